/**
 * `npm run bench:queue`: what queue positions cost per assignment with 5,000 users
 * waiting. Per store, on a fresh database, 5,000 users open chats; then an admin takes
 * QUEUE_ASSIGNMENTS of them, oldest first, QUEUE_RATE a second, twice: once with none of
 * the waiting users connected (the assignment alone) and once with all 5,000 connected
 * (each assignment moves every one of them up, and each is told). The server's CPU per
 * assignment in each phase, and their difference, is what positions cost; the events
 * each connected user received say how much coalescing saved (without it: one per
 * assignment). QUEUE_WAITING, QUEUE_ASSIGNMENTS, QUEUE_RATE and QUEUE_STORES
 * (sqlite,postgres) change the run. Needs `npm run build` (it runs dist/main.js).
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import { benchDatabases, pgReachable, type StoreName } from './databases.js';
import { pool } from './load.js';
import { cpuMs, startServer, type Target } from './processes.js';

const WAITING = Number(process.env.QUEUE_WAITING ?? 5000);
const ASSIGNMENTS = Number(process.env.QUEUE_ASSIGNMENTS ?? 200);
const RATE = Number(process.env.QUEUE_RATE ?? 20);
const STORES = (process.env.QUEUE_STORES ?? 'sqlite,postgres').split(',') as StoreName[];
const databases = benchDatabases('queue');

async function call(
  target: Target,
  method: string,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${target.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const parsed = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200)
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

function connectUser(url: string, userId: string, counter: { events: number }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('queue-position', () => {
      counter.events += 1;
    });
    socket.once('connect_error', reject);
    socket.once('connect', () => {
      socket
        .emitWithAck('join-user', { userId, userName: 'Waiting' })
        .then(() => resolve(socket), reject);
    });
  });
}

/**
 * GET /health every 20 ms for `seconds`, from a process of its own (the 5,000 sockets keep
 * this one's event loop busy): what a request waits while positions go out. Sorted ms.
 */
function probe(target: Target, seconds: number): Promise<number[]> {
  const script = `
    const times = [];
    const end = Date.now() + ${Math.round(seconds * 1000)};
    (async () => {
      while (Date.now() < end) {
        const t = performance.now();
        await fetch(process.argv[1] + '/health').then((r) => r.arrayBuffer());
        times.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
      process.stdout.write(JSON.stringify(times));
    })();`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script, target.url], (err, stdout) => {
      if (err) reject(err);
      else resolve((JSON.parse(stdout) as number[]).sort((a, b) => a - b));
    });
  });
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

interface Phase {
  cpuPerAssignment: number;
  probeP99: number;
  probeMax: number;
}

/** Takes `count` chats from the front of `chatIds`, RATE a second: the server's CPU per take. */
async function assign(target: Target, chatIds: string[], count: number): Promise<Phase> {
  const probing = probe(target, count / RATE + 1);
  const cpu = await assignAll(target, chatIds, count);
  const times = await probing;
  return { cpuPerAssignment: cpu, probeP99: pct(times, 0.99), probeMax: times.at(-1) ?? 0 };
}

async function assignAll(target: Target, chatIds: string[], count: number): Promise<number> {
  const pid = target.child.pid ?? 0;
  const taken = chatIds.splice(0, count);
  const cpuBefore = cpuMs(pid);
  const started = performance.now();
  for (const [i, chatId] of taken.entries()) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    await call(target, 'POST', '/api/chats/assign', {
      chatId,
      adminId: 'bench-admin',
      adminName: 'Bench',
    });
  }
  // The last coalesced round of positions goes out after the last take.
  await sleep(1500);
  return (cpuMs(pid) - cpuBefore) / count;
}

async function run(store: StoreName): Promise<void> {
  const target = await startServer(`server-${store}`, await databases.fresh(store));
  try {
    const userIds = Array.from({ length: WAITING }, (_, i) => `waiting-${i}`);
    const chatIds: string[] = [];
    // Opened one at a time: createdAt follows the ids, as the queue does.
    for (const userId of userIds) {
      const reply = await call(target, 'POST', '/api/chats', { userId, userName: 'Waiting' });
      chatIds.push(String((reply.chat as { _id: string })._id));
    }
    await sleep(1000);
    const alone = await assign(target, chatIds, ASSIGNMENTS);

    const counter = { events: 0 };
    const sockets = await pool(userIds, 100, (userId) => connectUser(target.url, userId, counter));
    // Everyone is told on join; then the phase counts from zero.
    await sleep(3000);
    const onJoin = counter.events;
    counter.events = 0;
    const told = await assign(target, chatIds, ASSIGNMENTS);
    const connected = sockets.length - ASSIGNMENTS;
    for (const s of sockets) s.disconnect();
    const ms = (n: number) => `${n.toFixed(2)} ms`;
    process.stdout.write(
      `${store}: ${WAITING} waiting, ${ASSIGNMENTS} assignments at ${RATE}/s\n` +
        `  server CPU per assignment, no waiting user connected: ${ms(alone.cpuPerAssignment)}` +
        ` (GET /health meanwhile p99 ${ms(alone.probeP99)}, max ${ms(alone.probeMax)})\n` +
        `  server CPU per assignment, ${WAITING} waiting users connected: ${ms(told.cpuPerAssignment)} ` +
        `(positions: +${ms(told.cpuPerAssignment - alone.cpuPerAssignment)}; GET /health meanwhile ` +
        `p99 ${ms(told.probeP99)}, max ${ms(told.probeMax)})\n` +
        `  queue-position events: ${onJoin} on join; during the phase ${counter.events}, ` +
        `${(counter.events / connected).toFixed(1)} per waiting user for ${ASSIGNMENTS} assignments ` +
        `(uncoalesced: ${ASSIGNMENTS})\n`,
    );
  } finally {
    await target.stop();
  }
}

for (const store of STORES) {
  if (store === 'postgres' && !(await pgReachable())) {
    process.stdout.write('postgres: not reachable, skipped\n');
    continue;
  }
  await run(store);
}
await databases.dropAll();
