/**
 * Redis and PostgreSQL go away under load and come back. Redis: cross-node delivery
 * stops, local work goes on (sends acknowledged, this node's sockets served, /health 200
 * with redis 'down'), and delivery across nodes resumes by itself. PostgreSQL: sends are
 * refused with 503 / STORE_UNAVAILABLE and /health is 503 until it is back, then all
 * recovers by itself. Neither crashes a node, and no acknowledged message is lost.
 *
 * Both outages are real: the Redis is this file's own redis-server, killed and started
 * again on its port; the PostgreSQL is a server of this file's own (initdb in a temp
 * folder), stopped and started with pg_ctl. Restarting the shared PostgreSQL instead
 * would break every other test (and every other person's run) using it at that moment.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEventPayload } from '../../src/schemas/events.js';
import { audit, describeAudit } from '../helpers/audit.js';
import {
  type Cluster,
  clusterPrerequisites,
  printOutputOnFailure,
  startCluster,
  twoNodeUrls,
} from '../helpers/cluster.js';
import {
  adminAt,
  closeAll,
  count,
  joinChat,
  type Member,
  openChatAt,
  postAt,
  userAt,
} from '../helpers/cluster-people.js';
import { forChat } from '../helpers/flows.js';
import { itemAt } from '../helpers/lists.js';
import {
  type PrivatePostgres,
  postgresBinariesInstalled,
  privatePostgres,
} from '../helpers/private-postgres.js';
import { waitUntil } from '../helpers/processes.js';
import { ACROSS_NODES_QUIET_MS, OUTAGE_AFTERMATH_QUIET_MS, quiet } from '../helpers/quiet.js';
import { type SendLoop, sendLoop } from '../helpers/send-loop.js';
import { api } from '../helpers/server.js';

const ready = (await clusterPrerequisites()) && postgresBinariesInstalled();

interface Conversation {
  chatId: string;
  user: Member;
  admin: Member;
  loop: SendLoop;
}

/** A chat whose user is at `userUrl` and whose assigned admin is at `adminUrl`; the user keeps sending. */
async function conversation(
  userUrl: string,
  adminUrl: string,
  restUrl: string,
  tag: string,
): Promise<Conversation> {
  const [user, admin] = await Promise.all([userAt(userUrl), adminAt(adminUrl)]);
  const chat = await openChatAt(restUrl, user);
  await postAt(restUrl, '/api/chats/assign', {
    chatId: chat._id,
    adminId: admin.id,
    adminName: admin.name,
  });
  await Promise.all([joinChat(user, chat._id), joinChat(admin, chat._id)]);
  const loop = sendLoop({
    client: () => user.client,
    chatId: chat._id,
    tag,
    intervalMs: 20,
    ackTimeoutMs: 3000,
  });
  return { chatId: chat._id, user, admin, loop };
}

/** The highest seq of this chat a client has heard live. */
function heard(member: Member, chatId: string): number {
  let top = 0;
  for (const p of member.client.of('new-message')) {
    if (!forChat(chatId)(p)) continue;
    top = Math.max(top, p.message.seq);
  }
  return top;
}

/** /health, or status 0 when the node does not answer within 2 s (a node that hangs). */
async function health(url: string): Promise<{ status: number; redis?: string }> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { redis?: string };
    return { status: res.status, redis: body.redis };
  } catch {
    return { status: 0 };
  }
}

describe.skipIf(!ready)('Redis restarted under load', () => {
  let cluster: Cluster;
  printOutputOnFailure(() => cluster);
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    closeAll();
    await cluster?.stop();
  });

  it('cross-node delivery stops and resumes by itself; local work and joins go on; presence settles after; nothing crashes', async () => {
    const [node1, node2] = twoNodeUrls(cluster);
    const across = await Promise.all(
      [0, 1, 2, 3].map((i) => conversation(node1, node2, node1, `across-${i}`)),
    );
    const local = await Promise.all(
      [0, 1].map((i) => conversation(node1, node1, node1, `local-${i}`)),
    );
    const all = [...across, ...local];
    await waitUntil('deliveries across nodes', () =>
      across.every((c) => heard(c.admin, c.chatId) >= 3),
    );

    // Presence across the outage: a user who drops while Redis is away, one who joins.
    const watcher = await adminAt(node1);
    const dropped = await userAt(node2);
    const status = (userId: string, online: boolean) => (p: ServerEventPayload<'user-status'>) =>
      p.userId === userId && p.online === online;
    await watcher.client.waitFor('user-status', status(dropped.id, true));

    await cluster.redis.stop();
    const downAt = Date.now();
    for (const url of [node1, node2]) {
      await waitUntil(
        `${url} reports Redis down`,
        async () => {
          const h = await health(url);
          return h.status === 200 && h.redis === 'down';
        },
        10_000,
      );
    }
    // Local work goes on: sends are acknowledged, and a node's own sockets hear them.
    const ackedAtOutage = all.map((c) => c.loop.acked.length);
    const heardLocally = local.map((c) => heard(c.admin, c.chatId));
    // What the adapter fires and forgets must not end a node: a dropped transport (its
    // session is kept for recovery: a SET) and an access change (a serverSideEmit). A join
    // is not refused.
    dropped.client.socket.io.engine.close();
    const joined = await userAt(node2);
    const other = await adminAt(node1);
    const moved = itemAt(across, 0);
    await postAt(node1, '/api/chats/transfer', {
      chatId: moved.chatId,
      fromAdminId: moved.admin.id,
      toAdminId: other.id,
      toAdminName: other.name,
    });
    // Local work goes on while Redis is down: sends are acknowledged, admins on the
    // user's node hear them.
    await waitUntil(
      'acknowledged sends and local deliveries during the outage',
      () =>
        all.every((c, i) => c.loop.acked.length > itemAt(ackedAtOutage, i)) &&
        local.every((c, i) => heard(c.admin, c.chatId) > itemAt(heardLocally, i)),
      15_000,
    );
    all.forEach((c, i) => {
      expect(c.loop.acked.length).toBeGreaterThan(itemAt(ackedAtOutage, i));
    });
    local.forEach((c, i) => {
      expect(heard(c.admin, c.chatId)).toBeGreaterThan(itemAt(heardLocally, i));
    });
    const outageMs = Date.now() - downAt;

    await cluster.redis.start();
    for (const url of [node1, node2]) {
      await waitUntil(
        `${url} reports Redis up`,
        async () => (await health(url)).redis === 'up',
        15_000,
      );
    }
    // Across nodes again: a message acknowledged after Redis came back reaches the admin
    // on the other node. (Not the chat transferred away during the outage: its previous
    // admin lost it, and hears none of it even though his leave was lost with Redis.)
    const resumed = across.filter((c) => c !== moved);
    const marks = resumed.map((c) => c.loop.acked.at(-1)?.seq ?? 0);
    await waitUntil(
      'cross-node delivery resumes',
      () => resumed.every((c, i) => heard(c.admin, c.chatId) > itemAt(marks, i)),
      15_000,
    );
    const movedAt = moved.loop.acked.at(-1)?.seq ?? 0;
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(heard(moved.admin, moved.chatId)).toBeLessThan(movedAt);
    // Nor its close: once Redis answered again, node 2 took him out of the chat's room. A
    // superadmin in the room on node 2 hears it.
    const witness = await adminAt(node2, { superadmin: true });
    await joinChat(witness, moved.chatId);
    await moved.loop.stop();
    const closed = await api({ url: node1 }, 'PATCH', `/api/chats/${moved.chatId}/close`, {
      adminId: other.id,
    });
    expect(closed.status).toBe(200);
    await witness.client.waitFor('chat-closed', forChat(moved.chatId));
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(count(moved.admin, 'chat-closed', forChat(moved.chatId))).toBe(0);

    // Presence settles by itself once every node has had its heartbeats: the user who
    // dropped meanwhile is offline, the one who joined is online, each said once.
    await waitUntil(
      'presence settled after the outage',
      () =>
        count(watcher, 'user-status', status(dropped.id, false)) > 0 &&
        count(watcher, 'user-status', status(joined.id, true)) > 0,
      20_000,
    );
    await quiet(OUTAGE_AFTERMATH_QUIET_MS);
    expect(count(watcher, 'user-status', status(dropped.id, false))).toBe(1);
    expect(count(watcher, 'user-status', status(joined.id, true))).toBe(1);

    await Promise.all(all.map((c) => c.loop.stop()));
    for (const node of cluster.nodes) expect(node.running(), cluster.output()).toBe(true);
    const result = await audit(
      node2,
      all.map((c) => c.loop),
    );
    console.log(`Redis outage of ${outageMs} ms under load: ${describeAudit(result)}`);
    expect(result.acknowledged).toBeGreaterThan(0);
    expect([result.lost, result.duplicates, result.gaps]).toEqual([0, 0, 0]);
  });
});

/** Server nodes holding the v2 import's advisory lock (shared) on the database. */
async function importLockShares(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND mode = 'ShareLock' AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

describe.skipIf(!ready)('PostgreSQL restarted under load', () => {
  let postgres: PrivatePostgres;
  let cluster: Cluster;
  printOutputOnFailure(() => cluster);
  beforeAll(async () => {
    postgres = await privatePostgres();
    cluster = await startCluster({ databaseUrl: postgres.url });
  });
  afterAll(async () => {
    closeAll();
    await cluster?.stop();
    await postgres?.destroy();
  });

  it('503 while it is down, then recovery by itself; nothing crashes, nothing acknowledged is lost', async () => {
    const [node1, node2] = twoNodeUrls(cluster);
    const all = await Promise.all([
      conversation(node1, node2, node1, 'pg-a'),
      conversation(node2, node1, node2, 'pg-b'),
      conversation(node1, node2, node2, 'pg-c'),
    ]);
    await waitUntil('messages flow', () => all.every((c) => c.loop.acked.length >= 5));

    await postgres.stop();
    for (const url of [node1, node2]) {
      await waitUntil(`${url} answers 503`, async () => (await health(url)).status === 503, 10_000);
    }
    const first = itemAt(all, 0);
    const rest = await api({ url: node2 }, 'POST', '/api/messages', {
      chatId: first.chatId,
      senderId: first.admin.id,
      senderType: 'admin',
      senderName: first.admin.name,
      content: 'while the database is away',
    });
    expect(rest.status).toBe(503);
    expect(rest.body.code).toBe('STORE_UNAVAILABLE');
    await waitUntil(
      'socket sends refused as STORE_UNAVAILABLE',
      () => all.every((c) => (c.loop.failures.get('STORE_UNAVAILABLE') ?? 0) > 0),
      10_000,
    );
    const ackedWhileDown = all.map((c) => c.loop.acked.length);

    await postgres.start();
    for (const url of [node1, node2]) {
      await waitUntil(
        `${url} answers 200 again`,
        async () => (await health(url)).status === 200,
        20_000,
      );
    }
    // Each node's import lock went with its connection: taken again, so an import stays refused.
    await waitUntil(
      'each node holds the import lock again',
      async () => (await importLockShares(postgres.url)) === cluster.nodes.length,
      10_000,
    );
    await waitUntil(
      'sends acknowledged again',
      () => all.every((c, i) => c.loop.acked.length > itemAt(ackedWhileDown, i) + 3),
      20_000,
    );
    await Promise.all(all.map((c) => c.loop.stop()));
    for (const node of cluster.nodes) expect(node.running(), cluster.output()).toBe(true);
    const result = await audit(
      node1,
      all.map((c) => c.loop),
    );
    const refused = all.reduce((n, c) => n + (c.loop.failures.get('STORE_UNAVAILABLE') ?? 0), 0);
    console.log(
      `PostgreSQL restart under load: ${refused} sends refused with STORE_UNAVAILABLE, then ${describeAudit(result)}`,
    );
    expect([result.lost, result.duplicates, result.gaps]).toEqual([0, 0, 0]);
  });
});
