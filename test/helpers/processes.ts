/**
 * Child processes the cluster tests start (server nodes, nginx, redis-server, postgres):
 * their output is kept for the failure message, and they are stopped by their own pid.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface Child {
  process: ChildProcess;
  /** stdout and stderr so far (the last 64 KiB). */
  output(): string;
  exited: Promise<number | null>;
  running(): boolean;
  /** Sends the signal and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const KEEP = 64 * 1024;

/** Children still running: killed when this process exits, however the test ended. */
const living = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of living) child.kill('SIGKILL');
});

export function spawnChild(command: string, args: string[], options: SpawnOptions = {}): Child {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  living.add(child);
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
    if (out.length > 2 * KEEP) out = out.slice(-KEEP);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      living.delete(child);
      exitCode = code;
      resolve(code);
    });
    child.once('error', (err) => {
      out += `\nspawn failed: ${err.message}`;
      exitCode = null;
      resolve(null);
    });
  });
  return {
    process: child,
    output: () => out.slice(-KEEP),
    exited,
    running: () => exitCode === undefined,
    async stop(signal = 'SIGTERM') {
      if (exitCode !== undefined) return exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/**
 * A free port below the kernel's range for outgoing connections (32768-60999 on Linux):
 * a node restarted on its port must get it back, and a port from that range can be taken
 * meanwhile as the source port of any outgoing connection (nginx to the other node, a
 * client), which made a restart fail with EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bindable(port)) return port;
  }
  throw new Error('no free port found between 20000 and 32000 in 50 tries');
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Whether a program that tests start themselves (nginx, redis-server, clamd, radosgw) is
 * installed. In CI (CI=true) a missing one fails the run; elsewhere it is announced loudly
 * and the caller skips.
 */
export function required(found: boolean, what: string, hint: string): boolean {
  if (found) return true;
  if (process.env.CI) throw new Error(`${what} is required in CI but missing (${hint})`);
  console.warn(`\n!!! ${what} is missing: the tests that need it are SKIPPED.\n!!! ${hint}\n`);
  return false;
}
