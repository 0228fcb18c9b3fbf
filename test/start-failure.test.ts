/** The line a failed start prints names the setting behind the failure (real failures, caught). */
import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startFailure } from '../src/start-failure.js';
import { testConfig } from './helpers/server.js';
import { PG_ADMIN_URL } from './helpers/stores.js';

/** What listening on `host`:`port` fails with. */
function listenFailure(port: number, host: string): Promise<Error> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen(port, host, () => server.close(() => reject(new Error('it listened'))));
  });
}

/** What connecting to `url` fails with. */
async function connectFailure(url: string): Promise<Error> {
  const client = new pg.Client(url);
  const failure = await client.connect().then(
    () => new Error('it connected'),
    (err: Error) => err,
  );
  await client.end().catch(() => {});
  return failure;
}

/** A port something is listening on, and a way to stop it. */
async function takenPort(): Promise<{ port: number; close: () => void }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, close: () => server.close() };
}

const sqlite = { kind: 'sqlite', path: ':memory:' } as const;

describe('a failed start', () => {
  it('a port in use is PORT, or METRICS_PORT when it is the metrics port', async () => {
    const taken = await takenPort();
    try {
      const err = await listenFailure(taken.port, '127.0.0.1');
      const main = testConfig(sqlite, { PORT: String(taken.port) });
      expect(startFailure(err, main)).toMatch(/^Could not start: PORT: .*EADDRINUSE/);
      const metrics = testConfig(sqlite, { PORT: '3001', METRICS_PORT: String(taken.port) });
      expect(startFailure(err, metrics)).toMatch(/^Could not start: METRICS_PORT: .*EADDRINUSE/);
    } finally {
      taken.close();
    }
  });

  it('an address not of this machine, or a name that does not resolve, is HOST', async () => {
    const foreign = await listenFailure(0, '192.0.2.1');
    expect(startFailure(foreign, testConfig(sqlite, { HOST: '192.0.2.1' }))).toMatch(
      /^Could not start: HOST: .*EADDRNOTAVAIL/,
    );
    const unknown = await listenFailure(0, 'no-such-host.invalid');
    expect(startFailure(unknown, testConfig(sqlite, { HOST: 'no-such-host.invalid' }))).toMatch(
      /^Could not start: HOST: .*no-such-host\.invalid/,
    );
  });

  it('a database that does not answer, or refuses the connection, is DATABASE_URL', async () => {
    const nobody = 'postgres://postgres@127.0.0.1:1/test';
    const closed = await connectFailure(nobody);
    const config = { ...testConfig(sqlite), database: { kind: 'postgres', url: nobody } as const };
    expect(startFailure(closed, config)).toMatch(/^Could not start: DATABASE_URL: .*ECONNREFUSED/);

    const url = new URL(PG_ADMIN_URL);
    url.pathname = '/no_such_database_here';
    const missing = await connectFailure(url.href);
    const onIt = { ...config, database: { kind: 'postgres', url: url.href } as const };
    expect(startFailure(missing, onIt)).toMatch(
      /^Could not start: DATABASE_URL: database "no_such_database_here" does not exist/,
    );
  });

  it('anything else is said as it came, naming nothing', async () => {
    const config = testConfig(sqlite);
    expect(startFailure(new Error('a bug'), config)).toBe('Could not start: a bug');
    expect(startFailure('thrown text', config)).toBe('Could not start: thrown text');
    // Another service's refusal is not the database's.
    const elsewhere = await connectFailure('postgres://postgres@127.0.0.1:2/test');
    const onPostgres = {
      ...config,
      database: { kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test' } as const,
    };
    expect(startFailure(elsewhere, onPostgres)).toMatch(/^Could not start: connect ECONNREFUSED/);
  });
});
