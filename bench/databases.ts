/**
 * Fresh databases for the things under test: a SQLite file in a scratch folder, or a
 * PostgreSQL database of its own (BENCH_DATABASE_URL names the server to create them on).
 * `dropAll()` removes every one this process made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type StoreName = 'sqlite' | 'postgres';

export const PG_ADMIN = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function pgQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function pgReachable(): Promise<boolean> {
  try {
    await pgQuery('select 1');
    return true;
  } catch {
    return false;
  }
}

const OWNER = (process.env.BENCH_DATABASE_TAG ?? '')
  .replace(/[^a-z0-9_]/gi, '')
  .replace(/^(.)/, '_$1');

export function benchDatabases(tag: string) {
  const scratch = mkdtempSync(join(os.tmpdir(), `chat-${tag}-`));
  const made: string[] = [];
  let counter = 0;
  return {
    /** A DATABASE_URL for a new, empty database. */
    async fresh(store: StoreName): Promise<string> {
      counter += 1;
      if (store === 'sqlite') return `sqlite:${join(scratch, `${tag}-${counter}.db`)}`;
      // BENCH_DATABASE_TAG: a word in every database's name, to tell whose they are on a
      // server that several people's benches share.
      const name = `chat_${tag}${OWNER}_${process.pid}_${counter}`;
      await pgQuery(`CREATE DATABASE ${name}`);
      made.push(name);
      const url = new URL(PG_ADMIN);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropAll(): Promise<void> {
      for (const name of made) {
        await pgQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      }
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
