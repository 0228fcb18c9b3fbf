/**
 * `node --import tsx bench/routing.ts` (after `npm run build`): what automatic routing
 * costs and how soon it answers. For each setup (SQLite, one node; PostgreSQL, one node;
 * PostgreSQL, two nodes with Redis, chats opened on node A while every admin is connected
 * to node B, so that each chat-assigned crosses nodes) it opens CHATS chats one every
 * PACE_MS over REST with ten admins connected (maxChats 100 each), and measures, in this
 * one process (one clock), from each POST /api/chats to that chat's chat-assigned on the
 * admin's socket: p50, p99, max. CPU per assignment is the server processes' CPU (user +
 * system, from /proc) during the run with ROUTING=auto minus the same run with
 * ROUTING=manual (the opens, the new-chat fan-out), divided by the chats: the assignment's
 * own cost on the nodes. The database's own CPU (PostgreSQL, a process of its own) is not
 * in it. The manual run also measures POST → new-chat at an admin: what any event of a new
 * chat takes on the same machine at that moment, the floor of the assignment's latency.
 */
import { io, type Socket } from 'socket.io-client';
import { storeTargets } from '../test/helpers/stores.js';
import { cpuMs, startRedis, startServer, type Target } from './processes.js';

const CHATS = Number(process.env.CHATS ?? 400);
const PACE_MS = Number(process.env.PACE_MS ?? 10);
const ADMINS = 10;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

interface Setup {
  name: string;
  store: 'sqlite' | 'postgres';
  nodes: 1 | 2;
}

async function connectAdmin(url: string, id: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await socket.emitWithAck('join-admin', { adminId: id, adminName: id, isSuperAdmin: false });
  return socket;
}

async function run(setup: Setup, mode: 'auto' | 'manual') {
  const target = (await storeTargets()).find((t) => t.name === setup.store);
  if (!target) throw new Error(`no ${setup.store} here`);
  const db = await target.create();
  const databaseUrl = db.config.kind === 'sqlite' ? `sqlite:${db.config.path}` : db.config.url;
  const redis = setup.nodes === 2 ? await startRedis() : undefined;
  const env = { ROUTING: mode, ...(redis && { REDIS_URL: redis.url }) };
  const nodes: Target[] = [await startServer(setup.store, databaseUrl, env)];
  if (setup.nodes === 2) nodes.push(await startServer(setup.store, databaseUrl, env));
  const [opener, admins] = [nodes[0], nodes[nodes.length - 1]];
  if (!opener || !admins) throw new Error('no node');
  const sockets: Socket[] = [];
  const assignedAt = new Map<string, number>();
  for (let i = 0; i < ADMINS; i++) {
    const id = `bench-admin-${i}`;
    const s = await connectAdmin(admins.url, id);
    s.on('chat-assigned', (e: { chatId: string }) => assignedAt.set(e.chatId, performance.now()));
    // ROUTING=manual: when the chat reached the admins at all (new-chat), the floor.
    if (mode === 'manual' && i === 0) {
      s.on('new-chat', (e: { chat: { _id: string } }) =>
        assignedAt.set(e.chat._id, performance.now()),
      );
    }
    sockets.push(s);
    await fetch(`${admins.url}/api/agents/${id}?adminId=chief&isSuperAdmin=true`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maxChats: 100 }),
    });
  }
  const cpuBefore = nodes.reduce((sum, n) => sum + cpuMs(n.child.pid as number), 0);
  const openedAt = new Map<string, number>();
  const opens: Promise<void>[] = [];
  for (let i = 0; i < CHATS; i++) {
    const t = performance.now();
    opens.push(
      fetch(`${opener.url}/api/chats`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: `bench-user-${i}`, userName: 'User' }),
      })
        .then((r) => r.json() as Promise<{ chat: { _id: string } }>)
        .then((b) => {
          openedAt.set(b.chat._id, t);
        }),
    );
    await new Promise((r) => setTimeout(r, PACE_MS));
  }
  await Promise.all(opens);
  const deadline = Date.now() + 30_000;
  while (assignedAt.size < CHATS && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  // Let the last events settle before reading the CPU.
  await new Promise((r) => setTimeout(r, 500));
  const cpu = nodes.reduce((sum, n) => sum + cpuMs(n.child.pid as number), 0) - cpuBefore;
  const latencies = [...openedAt].flatMap(([id, t]) => {
    const at = assignedAt.get(id);
    return at === undefined ? [] : [at - t];
  });
  for (const s of sockets) s.close();
  for (const n of nodes) await n.stop();
  await redis?.stop();
  await db.drop();
  return { cpu, latencies };
}

const setups: Setup[] = [
  { name: 'SQLite, one node', store: 'sqlite', nodes: 1 },
  { name: 'PostgreSQL, one node', store: 'postgres', nodes: 1 },
  { name: 'PostgreSQL, two nodes (Redis), admins on the other node', store: 'postgres', nodes: 2 },
];
process.stdout.write(`${CHATS} chats, one every ${PACE_MS} ms, ${ADMINS} admins\n`);
process.stdout.write(
  '| setup | assigned | p50 | p99 | max | new-chat p50 / p99 (manual) | node CPU per assignment |\n|---|---:|---:|---:|---:|---:|---:|\n',
);
for (const setup of setups) {
  const manual = await run(setup, 'manual');
  const auto = await run(setup, 'auto');
  const l = auto.latencies;
  const m = manual.latencies;
  const perAssignment = (auto.cpu - manual.cpu) / CHATS;
  process.stdout.write(
    `| ${setup.name} | ${l.length}/${CHATS} | ${quantile(l, 0.5).toFixed(1)} ms | ${quantile(l, 0.99).toFixed(1)} ms | ${Math.max(...l).toFixed(1)} ms | ${quantile(m, 0.5).toFixed(1)} / ${quantile(m, 0.99).toFixed(1)} ms | ${perAssignment.toFixed(2)} ms (auto ${auto.cpu} ms, manual ${manual.cpu} ms) |\n`,
  );
}
