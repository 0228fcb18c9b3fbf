/**
 * ROUTING=auto on three real node processes sharing one PostgreSQL database and Redis:
 *
 * - 200 chats opened at once by users spread over the nodes, five admins on different
 *   nodes whose maxChats add up to 100: each of the oldest 100 chats goes to exactly one
 *   admin (one chat-assigned, the stored assignee), nobody over their maxChats, and the
 *   other 100 wait: the newest, in creation order.
 * - The node about to assign is killed (its assignment held at the agents' row lock, as a
 *   slow database would hold it): the chat is still assigned, by another node, within
 *   seconds, and once.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Cluster,
  clusterPrerequisites,
  printOutputOnFailure,
  startCluster,
} from '../helpers/cluster.js';
import { adminAt, closeAll, type Member, openChatAt, uid } from '../helpers/cluster-people.js';
import type { Chat } from '../helpers/flows.js';
import { sleep, waitUntil } from '../helpers/processes.js';
import { request, succeeded } from '../helpers/server.js';

const ready = await clusterPrerequisites();

describe.skipIf(!ready)('automatic routing on three nodes', () => {
  let cluster: Cluster;
  let db: pg.Client;
  const urls = () => cluster.nodes.map((n) => n.url);

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 3,
      env: { ROUTING: 'auto', ROUTING_SWEEP_MS: '500' },
    });
    db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    closeAll();
    await db?.end();
    await cluster?.stop();
  });
  printOutputOnFailure(() => cluster);

  const setMaxChats = async (url: string, adminId: string, maxChats: number) =>
    succeeded(
      await request({ url }, 'PUT /api/agents/:adminId', {
        params: { adminId },
        query: { adminId: 'chief', isSuperAdmin: true },
        body: { maxChats },
      }),
    );
  const activeLoads = async (): Promise<Map<string, number>> => {
    const { rows } = await db.query<{ admin: string; n: string }>(
      `SELECT "assignedAdminId" AS admin, count(*) AS n FROM chats WHERE status = 'active' GROUP BY 1`,
    );
    return new Map(rows.map((r) => [r.admin, Number(r.n)]));
  };

  it('assigns each of 200 simultaneous chats once, nobody over maxChats, the newest waiting in order', async () => {
    const caps = [5, 10, 20, 25, 40];
    const admins: Member[] = [];
    for (const [i, cap] of caps.entries()) {
      const url = urls()[i % 3] ?? '';
      const admin = await adminAt(url);
      await setMaxChats(url, admin.id, cap);
      admins.push(admin);
    }
    const users = Array.from({ length: 200 }, () => ({ id: uid('user'), name: 'User' }));
    // All at once and never tried again: an audited open is one statement after its lookup,
    // so 200 of them do not keep the nodes' pools busy until a request gives up with a 503.
    const chats: Chat[] = await Promise.all(
      users.map(
        async (u, i) =>
          succeeded(
            await request({ url: urls()[i % 3] ?? '' }, 'POST /api/chats', {
              body: { userId: u.id, userName: u.name },
            }),
          ).chat,
      ),
    );
    await waitUntil(
      'the admins hold 100 chats',
      async () => [...(await activeLoads()).values()].reduce((a, b) => a + b, 0) >= 100,
      30_000,
      100,
    );
    // Nothing more comes: a sweep or two on every node.
    await sleep(1500);
    const loads = await activeLoads();
    for (const [i, admin] of admins.entries()) {
      expect(loads.get(admin.id), admin.id).toBe(caps[i]);
    }
    expect([...loads.values()].reduce((a, b) => a + b, 0)).toBe(100);

    // Each assignment told once, to the admin the database names.
    const told = admins.flatMap((a) =>
      a.client.of('chat-assigned').map((e) => ({ chatId: e.chatId, to: a.id, said: e.adminId })),
    );
    expect(told).toHaveLength(100);
    expect(new Set(told.map((t) => t.chatId)).size).toBe(100);
    const { rows } = await db.query<{ id: string; admin: string | null; status: string }>(
      `SELECT id, "assignedAdminId" AS admin, status FROM chats`,
    );
    const stored = new Map(rows.map((r) => [r.id, r]));
    for (const t of told) {
      expect(t.said).toBe(t.to);
      expect(stored.get(t.chatId)?.admin).toBe(t.to);
    }

    // The oldest 100 were assigned; the newest 100 wait.
    const byAge = [...chats].sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || b._id.localeCompare(a._id),
    );
    expect(new Set(told.map((t) => t.chatId))).toEqual(
      new Set(byAge.slice(0, 100).map((c) => c._id)),
    );
    const waiting = succeeded(
      await request({ url: urls()[1] ?? '' }, 'GET /api/chats/waiting', {
        query: { adminId: 'chief', isSuperAdmin: true },
      }),
    ).chats;
    expect(waiting.map((c) => c._id)).toEqual(byAge.slice(100).map((c) => c._id));

    // Close everything, so that the next test starts with an empty queue.
    for (const a of admins) a.client.close();
    await db.query(`UPDATE chats SET status = 'closed'`);
  });

  it('a chat whose node died while assigning it is assigned by another node within seconds', async () => {
    const [first, second] = urls();
    if (!first || !second) throw new Error('three nodes');
    const admin = await adminAt(second);
    // The drain node 2 ran when the admin joined is over: node 1 alone is assigning below.
    await sleep(1000);
    const user = { id: uid('user'), name: 'User' };
    // Hold the admin's agent row, as a slow commit would: node 1's assignment waits on it.
    const holder = new pg.Client({ connectionString: cluster.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT * FROM agents WHERE "adminId" = $1 FOR UPDATE`, [admin.id]);
      const chat = await openChatAt(first, user);
      await waitUntil(
        'an assignment waits for the lock',
        async () => {
          const { rows } = await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%agents%'`,
          );
          return Number(rows[0]?.n) > 0;
        },
        10_000,
      );
      expect(admin.client.of('chat-assigned')).toEqual([]);
      await cluster.nodes[0]?.stop('SIGKILL');
      const killedAt = Date.now();
      await holder.query('ROLLBACK');
      const assigned = await admin.client.waitFor('chat-assigned', (e) => e.chatId === chat._id);
      const seconds = (Date.now() - killedAt) / 1000;
      expect(assigned.adminId).toBe(admin.id);
      expect(seconds).toBeLessThan(5);
      await sleep(1500);
      expect(admin.client.of('chat-assigned').filter((e) => e.chatId === chat._id)).toHaveLength(1);
      const { rows } = await db.query<{ admin: string; status: string }>(
        `SELECT "assignedAdminId" AS admin, status FROM chats WHERE id = $1`,
        [chat._id],
      );
      expect(rows[0]).toEqual({ admin: admin.id, status: 'active' });
    } finally {
      await holder.end();
    }
  });
});
