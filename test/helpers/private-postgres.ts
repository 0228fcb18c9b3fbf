/**
 * A PostgreSQL server of the test's own (initdb in a temp folder, its own port), so that
 * a test can really stop and restart PostgreSQL without touching the shared one that
 * other test files (and other people's runs on this machine) are using. As root, the
 * server runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, required, waitUntil } from './processes.js';

function binDir(): string | undefined {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  for (const version of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

export function postgresBinariesInstalled(): boolean {
  return required(
    binDir() !== undefined,
    'PostgreSQL server binaries (initdb, pg_ctl)',
    'Install postgresql-15 or set PG_BIN_DIR.',
  );
}

export interface PrivatePostgres {
  /** A database made for the test (`chat`). */
  url: string;
  start(): Promise<void>;
  /** A fast shutdown: sessions are cut, new connections refused until start(). */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function privatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found');
  const dir = mkdtempSync(join(tmpdir(), 'chat-pg-'));
  const asRoot = userInfo().uid === 0;
  if (asRoot) chownSync(dir, Number(run('id', ['-u', 'postgres'])), 0);
  const data = join(dir, 'data');
  const port = await freePort();
  const as = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
  as(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const server: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/chat`,
    async start() {
      as(join(bin, 'pg_ctl'), [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-w',
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        'start',
      ]);
      await waitUntil('private PostgreSQL accepts connections', async () => {
        const client = new pg.Client({ connectionString: admin });
        await client.connect();
        await client.end();
        return true;
      });
    },
    async stop() {
      as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    async destroy() {
      try {
        as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {}
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query('CREATE DATABASE chat');
  await client.end();
  return server;
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
