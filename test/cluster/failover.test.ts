/**
 * Nodes die and restart under load, and nothing acknowledged is lost (docs/protocol.md, "Guarantees").
 * Chats whose users and admins are spread over both nodes, half connected through nginx,
 * half straight to a node, all sending with clientMessageIds; a client that loses its
 * node connects again (through nginx, or to the other node), catches up with ?after=,
 * and sends again what was not acknowledged, with the same clientMessageId.
 *
 * - SIGKILL of one node during at least 5,000 acknowledged sends;
 * - a rolling restart: SIGTERM each node in turn and start it again, clients sending.
 *
 * After each: 0 acknowledged messages lost, 0 duplicates, every chat's seq gap-free
 * (read back from the store), every client connected again and holding its whole chat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, describeAudit } from '../helpers/audit.js';
import {
  type Cluster,
  clusterPrerequisites,
  printOutputOnFailure,
  startCluster,
  twoNodeUrls,
} from '../helpers/cluster.js';
import { openChatAt, postAt, uid } from '../helpers/cluster-people.js';
import { fetchHistory } from '../helpers/flows.js';
import { itemAt } from '../helpers/lists.js';
import { waitUntil } from '../helpers/processes.js';
import { type Resilient, resilientClient } from '../helpers/resilient-client.js';
import { type SendLoop, sendLoop } from '../helpers/send-loop.js';
import { succeeded } from '../helpers/server.js';

const ready = await clusterPrerequisites();

const CHATS = 16;
/** Acknowledged sends before the kill, and at least this many in all. */
const BEFORE_KILL = 2000;
const AT_LEAST = 5000;

interface Load {
  clients: Resilient[];
  loops: SendLoop[];
  acked(): number;
  stop(): Promise<void>;
}

/**
 * CHATS chats, each a user and its assigned admin, both sending. Chat i's user and admin
 * connect as `placement(i)` says: through nginx (v2's ['websocket', 'polling'] for some),
 * or straight to a node, with the other node to fall back on.
 */
async function startLoad(cluster: Cluster, tag: string): Promise<Load> {
  const [node1, node2] = twoNodeUrls(cluster);
  const proxy = cluster.nginx.url;
  const placements: { urls: string[]; transports?: ('websocket' | 'polling')[] }[] = [
    { urls: [proxy] },
    { urls: [proxy], transports: ['websocket', 'polling'] },
    { urls: [node1, node2] },
    { urls: [node2, node1] },
  ];
  const clients: Resilient[] = [];
  for (let i = 0; i < CHATS; i++) {
    const userId = uid(`${tag}-user`);
    const adminId = uid(`${tag}-admin`);
    const chat = await openChatAt(node1, { id: userId, name: `Name ${userId}` });
    await postAt(node2, '/api/chats/assign', {
      chatId: chat._id,
      adminId,
      adminName: `Name ${adminId}`,
    });
    // The user and the admin of one chat are placed differently: deliveries cross nodes.
    const userAt = itemAt(placements, i % 4);
    const adminAt = itemAt(placements, (i + 1) % 4);
    clients.push(
      await resilientClient({ role: 'user', id: userId, chatId: chat._id, ...userAt }),
      await resilientClient({ role: 'admin', id: adminId, chatId: chat._id, ...adminAt }),
    );
  }
  const loops = clients.map((c) =>
    sendLoop({
      client: () => c.current(),
      chatId: c.chatId,
      tag: `${tag}-${c.id}`,
      ackTimeoutMs: 3000,
      retryMs: 100,
    }),
  );
  return {
    clients,
    loops,
    acked: () => loops.reduce((n, l) => n + l.acked.length, 0),
    async stop() {
      await Promise.all(loops.map((l) => l.stop(30_000)));
    },
  };
}

/** Every client connected, and holding every message of its chat (live, recovered or caught up). */
async function settled(load: Load, stored: Map<string, number>): Promise<void> {
  await waitUntil(
    'every client connected and holding its whole chat',
    () =>
      load.clients.every((c) => {
        const n = stored.get(c.chatId) ?? 0;
        return c.connected() && c.seqs.size === n && c.seqs.has(n);
      }),
    30_000,
  );
}

async function storedCounts(url: string, load: Load): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const chatId of new Set(load.clients.map((c) => c.chatId))) {
    const { pagination } = succeeded(
      await fetchHistory({ url }, chatId, { page: '1', limit: '1' }),
    );
    if (!('total' in pagination)) throw new Error('a ?page= read answers page pagination');
    counts.set(chatId, pagination.total);
  }
  return counts;
}

const resends = (load: Load) => load.loops.reduce((n, l) => n + l.attempts - l.acked.length, 0);
const reconnects = (load: Load) => load.clients.reduce((n, c) => n + c.reconnects, 0);

describe.skipIf(!ready)('nodes dying and restarting under load', () => {
  let cluster: Cluster;
  let load: Load | undefined;
  printOutputOnFailure(() => cluster);
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    for (const c of load?.clients ?? []) c.close();
    await cluster?.stop();
  });

  it('SIGKILL of a node during 5,000 acknowledged sends: 0 lost, 0 duplicates, no seq gap', async () => {
    const current = await startLoad(cluster, 'kill');
    load = current;
    await waitUntil('load before the kill', () => current.acked() >= BEFORE_KILL, 60_000, 20);
    const killedAt = current.acked();
    const victim = cluster.nodes[1];
    await victim?.stop('SIGKILL');
    await waitUntil('load after the kill', () => current.acked() >= AT_LEAST, 90_000, 20);
    await current.stop();

    const survivor = itemAt(cluster.nodes, 0).url;
    const result = await audit(survivor, current.loops);
    await settled(current, await storedCounts(survivor, current));
    console.log(
      `SIGKILL of node2 after ${killedAt} acknowledged sends: ${describeAudit(result)}; ` +
        `${reconnects(current)} reconnects, ${resends(current)} sends repeated; ` +
        `all ${current.clients.length} clients connected again with their whole chat`,
    );
    expect(result.acknowledged).toBeGreaterThanOrEqual(AT_LEAST);
    expect([result.lost, result.duplicates, result.gaps]).toEqual([0, 0, 0]);
    expect(reconnects(current)).toBeGreaterThan(0);
    for (const c of current.clients) c.close();
    load = undefined;
    await victim?.start();
  });

  it('rolling restart (SIGTERM each node in turn, start it again) with clients sending: 0 lost, 0 duplicates, no seq gap', async () => {
    const current = await startLoad(cluster, 'roll');
    load = current;
    await waitUntil('load before the restart', () => current.acked() >= 1000, 60_000, 20);
    for (const node of cluster.nodes) {
      const before = current.acked();
      expect(await node.stop('SIGTERM')).toBe(0);
      await node.start();
      // Traffic goes on through the restart of each node.
      await waitUntil('sends after the restart', () => current.acked() >= before + 500, 60_000, 20);
    }
    const afterLast = current.acked();
    await waitUntil('sends after the last restart', () => current.acked() >= afterLast + 100);
    await current.stop();

    const url = itemAt(cluster.nodes, 0).url;
    const result = await audit(url, current.loops);
    await settled(current, await storedCounts(url, current));
    console.log(
      `rolling restart of both nodes: ${describeAudit(result)}; ` +
        `${reconnects(current)} reconnects, ${resends(current)} sends repeated; ` +
        `all ${current.clients.length} clients connected with their whole chat`,
    );
    expect([result.lost, result.duplicates, result.gaps]).toEqual([0, 0, 0]);
    expect(reconnects(current)).toBeGreaterThanOrEqual(current.clients.length);
  });
});
