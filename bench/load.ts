/** The load generator: real socket.io-client connections, the same for the relay and the server. */
import { Agent, request } from 'node:http';
import { io, type Socket } from 'socket.io-client';

export interface Pair {
  chatId: string;
  userId: string;
  adminId: string;
  user: Socket;
  admin: Socket;
}

const connect = (url: string): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });

async function json(url: string, method: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200)
    throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

/** Runs `work` over `items` with at most `limit` at once. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i] as T, i);
      }
    }),
  );
  return results;
}

/**
 * `count` chats, each with a user socket and its assigned admin's socket, both in the chat
 * room. The admins connect to `adminUrl` when given (another node: every delivery crosses).
 */
export async function setupPairs(
  url: string,
  count: number,
  tag: string,
  real: boolean,
  adminUrl = url,
): Promise<Pair[]> {
  return pool(
    Array.from({ length: count }, (_, i) => i),
    20,
    async (i) => {
      const userId = `u-${tag}-${i}`;
      const adminId = `a-${tag}-${i}`;
      let chatId = `chat-${tag}-${i}`;
      if (real) {
        const opened = await json(`${url}/api/chats`, 'POST', { userId, userName: `User ${i}` });
        chatId = (opened.chat as { _id: string })._id;
        await json(`${url}/api/chats/assign`, 'POST', { chatId, adminId, adminName: `Admin ${i}` });
      }
      const [user, admin] = await Promise.all([connect(url), connect(adminUrl)]);
      await user.emitWithAck('join-user', { userId, userName: `User ${i}` });
      await admin.emitWithAck('join-admin', { adminId, adminName: `Admin ${i}` });
      await Promise.all([
        user.emitWithAck('join-chat', { chatId }),
        admin.emitWithAck('join-chat', { chatId }),
      ]);
      return { chatId, userId, adminId, user, admin };
    },
  );
}

export function closePairs(pairs: Pair[]): void {
  for (const p of pairs) {
    p.user.disconnect();
    p.admin.disconnect();
  }
}

interface Sender {
  socket: Socket;
  payload: (n: number) => Record<string, unknown>;
  /** The other side's socket and id: where delivery is counted. */
  receiver: Socket;
  selfId: string;
}

/** One side of a chat sending to the other; the notification goes to the other's own room. */
function sender(p: Pair, type: 'user' | 'admin', tag: string): Sender {
  const [socket, selfId, receiver, notify, content]: [Socket, string, Socket, string, string] =
    type === 'user'
      ? [p.user, p.userId, p.admin, `admin-${p.adminId}`, 'user message']
      : [p.admin, p.adminId, p.user, `user-${p.userId}`, 'admin reply'];
  return {
    socket,
    receiver,
    selfId,
    payload: (n: number) => ({
      chatId: p.chatId,
      senderId: selfId,
      senderType: type,
      content: `${content} ${n}`,
      clientMessageId: `${tag}-${selfId}-${n}`,
      notify,
    }),
  };
}

function senders(pairs: Pair[], tag: string): Sender[] {
  return pairs.flatMap((p) => [sender(p, 'user', tag), sender(p, 'admin', tag)]);
}

type Delivery = { message: { senderId: string; clientMessageId?: string } };

/** Listens for deliveries to the other side; returns a remover. */
function onDelivery(
  list: Sender[],
  seen: (clientMessageId: string | undefined) => void,
): () => void {
  const removers = list.map((s) => {
    // The receiver also hears its own messages (it is in the chat room): count only the sender's.
    const listener = ({ message }: Delivery) => {
      if (message.senderId === s.selfId) seen(message.clientMessageId);
    };
    s.receiver.on('new-message', listener);
    return () => s.receiver.off('new-message', listener);
  });
  return () => {
    for (const r of removers) r();
  };
}

export interface ThroughputResult {
  deliveredPerSecond: number;
  ackedPerSecond: number;
  errors: number;
  /** Every delivery of the call, warm-up and drain included (for costs per message). */
  deliveredTotal: number;
}

/** Every sender keeps `window` acknowledged sends in flight; counts deliveries to the other side. */
export async function throughput(
  pairs: Pair[],
  tag: string,
  durationMs: number,
  window: number,
): Promise<ThroughputResult> {
  const list = senders(pairs, tag);
  let counting = false;
  let running = true;
  let delivered = 0;
  let deliveredTotal = 0;
  let acked = 0;
  let errors = 0;
  let inFlight = 0;
  const stop = onDelivery(list, () => {
    deliveredTotal++;
    if (counting) delivered++;
  });
  let n = 0;
  const send = (s: Sender) => {
    inFlight++;
    s.socket.emit('send-message', s.payload(n++), (reply: { success: boolean }) => {
      inFlight--;
      if (!reply.success) errors++;
      else if (counting) acked++;
      if (running) send(s);
    });
  };
  for (const s of list) for (let w = 0; w < window; w++) send(s);
  await new Promise((r) => setTimeout(r, 1000));
  counting = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, durationMs));
  counting = false;
  const seconds = (performance.now() - started) / 1000;
  running = false;
  for (let i = 0; i < 100 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
  stop();
  return {
    deliveredPerSecond: delivered / seconds,
    ackedPerSecond: acked / seconds,
    errors,
    deliveredTotal,
  };
}

export interface LatencyResult {
  rate: number;
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number);

/** Paced sends at `rate` messages per second in total; latency from send to delivery. */
export async function latency(
  pairs: Pair[],
  tag: string,
  rate: number,
  durationMs: number,
): Promise<LatencyResult> {
  const list = senders(pairs, tag);
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  let counting = false;
  const stop = onDelivery(list, (id) => {
    const t = id === undefined ? undefined : sentAt.get(id);
    if (t === undefined) return;
    sentAt.delete(id as string);
    if (counting) samples.push(performance.now() - t);
  });
  const intervalMs = (list.length / rate) * 1000;
  let n = 0;
  const timers = list.map((s, i) => {
    const tick = () => {
      const payload = s.payload(n++);
      sentAt.set(payload.clientMessageId as string, performance.now());
      s.socket.emit('send-message', payload, () => {});
    };
    const start = setTimeout(() => tick(), (i / list.length) * intervalMs);
    return { start, every: setInterval(tick, intervalMs) };
  });
  await new Promise((r) => setTimeout(r, 1000));
  counting = true;
  await new Promise((r) => setTimeout(r, durationMs));
  for (const t of timers) {
    clearTimeout(t.start);
    clearInterval(t.every);
  }
  await new Promise((r) => setTimeout(r, 500));
  counting = false;
  stop();
  samples.sort((a, b) => a - b);
  return {
    rate,
    samples: samples.length,
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    max: samples.at(-1) ?? Number.NaN,
  };
}

/** One request over a kept-alive connection; resolves with the status once the body is read. */
export function httpRequest(
  agent: Agent,
  url: URL,
  method: string,
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> =
      body === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = request(url, { method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `concurrency` loops of `POST /api/messages` for `durationMs`; 200s per second. Plain
 * node:http with keep-alive: `fetch` from this process topped out near 1,700 req/s even
 * against a bare node:http server, so it measured the client, not the server.
 */
export async function restThroughput(
  url: string,
  pairs: Pair[],
  concurrency: number,
  durationMs: number,
): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL('/api/messages', url);
  let ok = 0;
  let running = true;
  const started = performance.now();
  setTimeout(() => {
    running = false;
  }, durationMs);
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      const pair = pairs[i % pairs.length] as Pair;
      let n = 0;
      while (running) {
        const body = JSON.stringify({
          chatId: pair.chatId,
          senderId: pair.userId,
          senderType: 'user',
          senderName: 'User',
          content: `rest ${i}-${n++}`,
        });
        if ((await httpRequest(agent, target, 'POST', body)) === 200) ok++;
      }
    }),
  );
  const perSecond = ok / ((performance.now() - started) / 1000);
  agent.destroy();
  return perSecond;
}

/** Opens `count` sockets that each join a user room; returns them for closing. */
export async function idleSockets(
  url: string,
  count: number,
  tag: string,
  progress: (n: number) => void,
): Promise<Socket[]> {
  let done = 0;
  return pool(
    Array.from({ length: count }, (_, i) => i),
    100,
    async (i) => {
      const socket = await connect(url);
      await socket.emitWithAck('join-user', { userId: `idle-${tag}-${i}`, userName: 'Idle' });
      if (++done % 1000 === 0) progress(done);
      return socket;
    },
  );
}
