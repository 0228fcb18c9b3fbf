/**
 * A running server on one store, plus helpers to make people: admins and users with
 * connected sockets in their v2 rooms. Each test makes its own people (unique ids), so
 * tests in a file share one server without seeing each other's events.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { startTestServer } from './server.js';
import { connectClient, joinAs, type TestClient } from './sockets.js';
import type { StoreTarget, TestDatabase } from './stores.js';

export interface Person {
  id: string;
  name: string;
  client: TestClient;
}

export interface World {
  server(): RunningServer;
  admin(options?: { superadmin?: boolean }): Promise<Person>;
  user(): Promise<Person>;
  /** A socket that joined no identity: it only hears rooms it joins explicitly. */
  bystander(): Promise<TestClient>;
  uid(prefix: string): string;
}

export function useWorld(target: StoreTarget, env: Record<string, string> = {}): World {
  let db: TestDatabase;
  let server: RunningServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    db = await target.create();
    server = await startTestServer(db.config, env);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await db?.drop();
  });

  const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
  const connect = async () => {
    const client = await connectClient(server.url);
    clients.push(client);
    return client;
  };

  return {
    server: () => server,
    uid,
    async admin(options = {}) {
      const id = uid(options.superadmin ? 'super' : 'admin');
      return joinAs(await connect(), id, {
        role: 'admin',
        superadmin: options.superadmin ?? false,
      });
    },
    async user() {
      return joinAs(await connect(), uid('user'), { role: 'user' });
    },
    bystander: connect,
  };
}
