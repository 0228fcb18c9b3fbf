/**
 * A clamd of the test's own (Debian's clamav-daemon), on a free port, with a config and a
 * signature database in a temporary folder: one local signature that finds the EICAR test
 * string anywhere in a file. Nothing is downloaded (freshclam is never run). In CI
 * (CI=true) a missing clamd fails the run; elsewhere the caller skips, loudly.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, freePort, required, sleep, spawnChild } from './processes.js';

export const CLAMD_BIN = process.env.CLAMD_BIN ?? 'clamd';

/**
 * The EICAR anti-virus test file, put together here so that no file of the repository holds
 * it whole (a developer's own scanner would quarantine that file).
 */
export const EICAR = Buffer.from(
  ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''),
  'latin1',
);

/** The name clamd reports for it (clamd marks signatures not its own ".UNOFFICIAL"). */
export const EICAR_SIGNATURE = 'Fastorika.Test.EICAR.UNOFFICIAL';

/** clamd's StreamMaxLength here: above the 10 MiB attachment limit, as operations.md asks. */
export const STREAM_MAX_BYTES = 12 * 1024 * 1024;

/** Loading one signature takes clamd well under a second; a loaded CI machine, longer. */
const STARTUP_TIMEOUT_MS = 60_000;
const POLL_MS = 50;

export function clamdInstalled(): boolean {
  let found = true;
  try {
    execFileSync(CLAMD_BIN, ['--version'], { stdio: 'ignore' });
  } catch {
    found = false;
  }
  return required(
    found,
    `clamd (${CLAMD_BIN})`,
    'Install it (`apt-get install -y clamav-daemon`) or set CLAMD_BIN.',
  );
}

export interface PrivateClamd {
  host: string;
  port: number;
  child: Child;
  /** SIGKILL; resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGSTOP: it keeps its socket and answers nothing; `resume()` (SIGCONT) undoes it. */
  freeze(): void;
  resume(): void;
  /** Kills it if still running and removes its folder. */
  dispose(): Promise<void>;
}

/** Whether something accepts a TCP connection on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function privateClamd(): Promise<PrivateClamd> {
  const dir = mkdtempSync(join(tmpdir(), 'clamd-'));
  const database = join(dir, 'db');
  mkdirSync(database);
  // A body signature (.ndb: name, any target type, any offset, the bytes in hex).
  writeFileSync(
    join(database, 'fastorika-test.ndb'),
    `Fastorika.Test.EICAR:0:*:${EICAR.toString('hex')}\n`,
  );
  const port = await freePort();
  const config = join(dir, 'clamd.conf');
  writeFileSync(
    config,
    [
      'Foreground yes',
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `DatabaseDirectory ${database}`,
      `PidFile ${join(dir, 'clamd.pid')}`,
      `StreamMaxLength ${STREAM_MAX_BYTES}`,
      // Its own check of the database every 10 minutes would only add noise to the output.
      'SelfCheck 0',
      '',
    ].join('\n'),
  );
  const child = spawnChild(CLAMD_BIN, ['--config-file', config]);
  // It loads the database before it listens: wait for its socket, not for a time.
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!(await listening(port))) {
    if (!child.running()) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`clamd exited before listening on ${port}:\n${child.output()}`);
    }
    if (Date.now() > deadline) {
      await child.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `clamd did not listen on ${port} within ${STARTUP_TIMEOUT_MS} ms:\n${child.output()}`,
      );
    }
    await sleep(POLL_MS);
  }
  const signal = (name: 'SIGSTOP' | 'SIGCONT') => {
    const pid = child.running() ? child.process.pid : undefined;
    if (pid !== undefined) process.kill(pid, name);
  };
  return {
    host: '127.0.0.1',
    port,
    child,
    async kill() {
      await child.stop('SIGKILL');
    },
    freeze: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async dispose() {
      await child.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
