/**
 * The stores every contract test runs against: a temp SQLite file always, and a fresh
 * PostgreSQL database when the server is reachable. In CI (CI=true) PostgreSQL is
 * required; elsewhere its absence is announced loudly and its suites are skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config.js';

export const PG_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  create(): Promise<TestDatabase>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** One statement as the PostgreSQL superuser (create/drop databases, cut connections). */
export async function adminQuery(text: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(text, params);
  } finally {
    await client.end();
  }
}

const sqlite: StoreTarget = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'chat-test-'));
    return {
      config: { kind: 'sqlite', path: join(dir, 'chat.db') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const postgres: StoreTarget = {
  name: 'postgres',
  async create() {
    const name = `chat_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    return {
      config: { kind: 'postgres', url: withDatabase(PG_ADMIN_URL, name) },
      drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  },
};

let cached: Promise<StoreTarget[]> | undefined;

export function storeTargets(): Promise<StoreTarget[]> {
  cached ??= (async () => {
    if (await postgresReachable()) return [sqlite, postgres];
    if (process.env.CI) {
      throw new Error(`PostgreSQL is required in CI but ${PG_ADMIN_URL} is unreachable`);
    }
    console.warn(
      `\n!!! PostgreSQL at ${PG_ADMIN_URL} is unreachable: the PostgreSQL contract suites are SKIPPED.\n!!! Start it (see README) or set TEST_DATABASE_URL; CI requires it.\n`,
    );
    return [sqlite];
  })();
  return cached;
}
