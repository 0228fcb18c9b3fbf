/**
 * Redis hangs: stopped with SIGSTOP, it keeps every connection open and answers nothing
 * (what a network partition that drops packets looks like). Every node still answers
 * REST sends, history and socket sends within 2 s, reports Redis `down` on /health
 * (and stays ready), loses nothing it acknowledged, and recovers by itself when Redis
 * answers again. Rooms follow access throughout: a chat transferred away through the
 * other node meanwhile is not heard by its previous admin, neither while Redis hangs
 * (events delivered locally still leave him out, `chat-closed` too) nor after (his room
 * leave, lost with Redis, is made good when it returns: not even `chat-closed` reaches him).
 *
 * Two real nodes, nginx and a redis-server of this file's own; limits on (counted in
 * Redis), so that every request meets Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, describeAudit, fullHistory } from '../helpers/audit.js';
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
import { sleep, waitUntil } from '../helpers/processes.js';
import { type SendLoop, sendLoop } from '../helpers/send-loop.js';
import { api, request, succeeded } from '../helpers/server.js';
import { accepted } from '../helpers/sockets.js';

const ready = await clusterPrerequisites();

/** The promise under test: a node answers within this while Redis hangs. */
const ANSWER_WITHIN_MS = 2000;
/** How long Redis stays frozen while the nodes are measured. */
const HANG_MS = 6000;
/**
 * One round of probes at most this often: each round reads history once per node, and the
 * test's reads share one rate key (its address), whose reads budget is 5/s per key, per
 * node while Redis is silent.
 */
const ROUND_MS = 300;
/** Events of the same node arrive within milliseconds: what has not come by then is not coming. */
const NOTHING_MORE_MS = 1000;

interface Conversation {
  chatId: string;
  user: Member;
  admin: Member;
  loop: SendLoop;
}

/** A chat whose user is at `userUrl` and whose admin is at `adminUrl`; the user keeps sending. */
async function conversation(userUrl: string, adminUrl: string, tag: string): Promise<Conversation> {
  const [user, admin] = await Promise.all([userAt(userUrl), adminAt(adminUrl)]);
  const chat = await openChatAt(userUrl, user);
  await postAt(userUrl, '/api/chats/assign', {
    chatId: chat._id,
    adminId: admin.id,
    adminName: admin.name,
  });
  await Promise.all([joinChat(user, chat._id), joinChat(admin, chat._id)]);
  const loop = sendLoop({
    client: () => user.client,
    chatId: chat._id,
    tag,
    intervalMs: 50,
    ackTimeoutMs: 10_000,
  });
  return { chatId: chat._id, user, admin, loop };
}

const heardContent = (member: Member, content: string) =>
  member.client.of('new-message').some((p) => p.message.content === content);

async function health(url: string): Promise<{ status: number; redis?: string }> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
    return { status: res.status, redis: ((await res.json()) as { redis?: string }).redis };
  } catch {
    return { status: 0 };
  }
}

/** How long `timed` waits for an answer before it fails the test (a node that hangs). */
const GIVE_UP_MS = 2 * ANSWER_WITHIN_MS;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const givenUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${GIVE_UP_MS} ms`)), GIVE_UP_MS);
  });
  try {
    const value = await Promise.race([work(), givenUp]);
    return { ms: Date.now() - started, value };
  } finally {
    clearTimeout(timer);
  }
}

interface Timings {
  restSend: number[];
  history: number[];
  socketSend: number[];
}

/** One REST send, one history read and one socket send on the node of `c.user`. */
async function measure(url: string, c: Conversation, n: number, into: Timings): Promise<string[]> {
  const rest = await timed(() =>
    request({ url }, 'POST /api/messages', {
      body: {
        chatId: c.chatId,
        senderId: c.user.id,
        senderType: 'user',
        senderName: c.user.name,
        content: `rest ${n}`,
        clientMessageId: `probe-rest-${n}`,
      },
    }),
  );
  expect(rest.value.status, JSON.stringify(rest.value.body)).toBe(200);
  into.restSend.push(rest.ms);
  const history = await timed(() => api({ url }, 'GET', `/api/messages/${c.chatId}?limit=50`));
  expect(history.value.status).toBe(200);
  into.history.push(history.ms);
  const socket = await timed(() =>
    c.user.client.emitAck('send-message', {
      chatId: c.chatId,
      content: `socket ${n}`,
      clientMessageId: `probe-socket-${n}`,
    }),
  );
  expect(socket.value.success, JSON.stringify(socket.value)).toBe(true);
  into.socketSend.push(socket.ms);
  return [succeeded(rest.value).message._id, accepted(socket.value).message._id];
}

const worst = (ms: number[]) => Math.max(...ms);
const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? 0;

describe.skipIf(!ready)('Redis hangs (SIGSTOP)', () => {
  let cluster: Cluster;
  printOutputOnFailure(() => cluster);
  beforeAll(async () => {
    cluster = await startCluster({
      env: {
        RATE_LIMIT: 'on',
        RATE_LIMIT_MESSAGES_PER_SECOND: '1000',
        RATE_LIMIT_MESSAGES_BURST: '1000',
      },
    });
  });
  afterAll(async () => {
    cluster?.redis.resume();
    closeAll();
    await cluster?.stop();
  });

  it('every node answers sends and history within 2 s, reports Redis down, stays ready, loses nothing, and recovers by itself', async () => {
    const [node1, node2] = twoNodeUrls(cluster);
    const across = await Promise.all([
      conversation(node1, node2, 'one-two'),
      conversation(node2, node1, 'two-one'),
    ]);
    await waitUntil('deliveries across nodes', () =>
      across.every((c) => c.admin.client.of('new-message').length >= 3),
    );

    cluster.redis.freeze();
    const frozenAt = Date.now();
    const timings = new Map<string, Timings>([
      [node1, { restSend: [], history: [], socketSend: [] }],
      [node2, { restSend: [], history: [], socketSend: [] }],
    ]);
    const timingsOf = (url: string): Timings => {
      const t = timings.get(url);
      if (!t) throw new Error(`no timings for ${url}`);
      return t;
    };
    const probes = new Map<string, string[]>(across.map((c) => [c.chatId, []]));
    // From the first moment of the hang (the first requests meet a Redis not yet known
    // silent) to its end, on both nodes at once.
    for (let n = 1; Date.now() - frozenAt < HANG_MS; n++) {
      const roundStarted = Date.now();
      await Promise.all(
        across.map(async (c, i) => {
          const url = i === 0 ? node1 : node2;
          const ids = await measure(url, c, n, timingsOf(url));
          probes.get(c.chatId)?.push(...ids);
        }),
      );
      await sleep(Math.max(0, ROUND_MS - (Date.now() - roundStarted)));
    }
    for (const url of [node1, node2]) {
      await waitUntil(
        `${url} reports Redis down`,
        async () => {
          const h = await health(url);
          return h.status === 200 && h.redis === 'down';
        },
        5000,
      );
      expect((await api({ url }, 'GET', '/ready')).status).toBe(200);
    }
    const hungMs = Date.now() - frozenAt;

    cluster.redis.resume();
    for (const url of [node1, node2]) {
      await waitUntil(`${url} reports Redis up`, async () => (await health(url)).redis === 'up');
    }
    // Across nodes again: a message sent now reaches the admin on the other node.
    await Promise.all(
      across.map(async (c, i) => {
        const content = `after the hang ${i}`;
        const sent = await c.user.client.emitAck('send-message', { chatId: c.chatId, content });
        expect(sent.success).toBe(true);
        await waitUntil(`delivery across nodes to ${c.admin.id}`, () =>
          heardContent(c.admin, content),
        );
      }),
    );

    await Promise.all(across.map((c) => c.loop.stop()));
    for (const node of cluster.nodes) expect(node.running(), cluster.output()).toBe(true);
    const result = await audit(
      node1,
      across.map((c) => c.loop),
    );
    expect([result.lost, result.duplicates, result.gaps]).toEqual([0, 0, 0]);
    for (const [chatId, ids] of probes) {
      const stored = new Set((await fullHistory(node2, chatId)).map((m) => m._id));
      expect(ids.filter((id) => !stored.has(id))).toEqual([]);
    }
    const report = [node1, node2].map((url, i) => {
      const t = timingsOf(url);
      const line = (name: string, ms: number[]) =>
        `${name} worst ${worst(ms)} ms, median ${median(ms)} ms (${ms.length})`;
      return `node${i + 1}: ${line('REST send', t.restSend)}; ${line('history', t.history)}; ${line('socket send', t.socketSend)}`;
    });
    console.log(
      `Redis frozen ${hungMs} ms under load:\n${report.join('\n')}\n${describeAudit(result)}`,
    );
    for (const t of timings.values()) {
      for (const ms of [...t.restSend, ...t.history, ...t.socketSend]) {
        expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
      }
    }
  });

  /**
   * A chat of a user on node 1, assigned to `previous` (on node 1, in its room), then,
   * with Redis frozen and known silent by both nodes (what node 2 sends through it now is
   * lost, not late), transferred through node 2 to `next`, who joins it on node 1.
   */
  async function transferredWhileFrozen() {
    const [node1, node2] = twoNodeUrls(cluster);
    const [user, previous, next] = await Promise.all([
      userAt(node1),
      adminAt(node1),
      adminAt(node1),
    ]);
    const chat = await openChatAt(node1, user);
    const chatId = chat._id;
    await postAt(node1, '/api/chats/assign', {
      chatId,
      adminId: previous.id,
      adminName: previous.name,
    });
    await Promise.all([joinChat(user, chatId), joinChat(previous, chatId)]);

    cluster.redis.freeze();
    for (const url of [node1, node2]) {
      await waitUntil(
        `${url} reports Redis down`,
        async () => (await health(url)).redis === 'down',
      );
    }
    await postAt(node2, '/api/chats/transfer', {
      chatId,
      fromAdminId: previous.id,
      toAdminId: next.id,
      toAdminName: next.name,
    });
    // Node 1 hears of it only from the database, once its cached chat row (1 s) is gone.
    await waitUntil('node 1 lets the new admin join', async () => {
      const ack = await next.client.emitAck('join-chat', { chatId });
      return ack.success === true;
    });
    return { node1, node2, chatId, user, previous, next, ofChat: forChat(chatId) };
  }

  it('a chat transferred away through the other node while Redis hangs: its previous admin hears none of it then, nor its close after Redis returns', async () => {
    const { node1, node2, chatId, user, previous, next, ofChat } = await transferredWhileFrozen();
    await user.client.emitAck('typing', {
      chatId,
      userId: user.id,
      userName: user.name,
      isTyping: true,
    });
    const sent = await user.client.emitAck('send-message', {
      chatId,
      content: 'after the transfer',
    });
    expect(sent.success).toBe(true);
    // Delivered on node 1 without Redis: the new admin hears both, the previous one neither.
    await next.client.waitFor('typing', ofChat);
    await next.client.waitFor('new-message', ofChat);
    await sleep(NOTHING_MORE_MS);
    expect(count(previous, 'typing', ofChat)).toBe(0);
    expect(count(previous, 'new-message', ofChat)).toBe(0);

    cluster.redis.resume();
    for (const url of [node1, node2]) {
      await waitUntil(`${url} reports Redis up`, async () => (await health(url)).redis === 'up');
    }
    const closed = await api({ url: node2 }, 'PATCH', `/api/chats/${chatId}/close`, {
      adminId: next.id,
    });
    expect(closed.status).toBe(200);
    await next.client.waitFor('chat-closed', ofChat);
    await user.client.waitFor('chat-closed', ofChat);
    await sleep(NOTHING_MORE_MS);
    expect(count(previous, 'chat-closed', ofChat)).toBe(0);
    expect(count(previous, 'new-message', ofChat)).toBe(0);
  });

  it('a chat transferred away through the other node while Redis hangs and closed on the node of its previous admin: he does not hear it close', async () => {
    const { node1, chatId, user, previous, next, ofChat } = await transferredWhileFrozen();
    const closed = await api({ url: node1 }, 'PATCH', `/api/chats/${chatId}/close`, {
      adminId: next.id,
    });
    expect(closed.status).toBe(200);
    await next.client.waitFor('chat-closed', ofChat);
    await user.client.waitFor('chat-closed', ofChat);
    await sleep(NOTHING_MORE_MS);
    expect(count(previous, 'chat-closed', ofChat)).toBe(0);
    cluster.redis.resume();
  });
});
