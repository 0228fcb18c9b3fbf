/**
 * `node --import tsx bench/announce-ab.ts`: what appending and announcing a message's
 * broadcasts costs the node and Redis, one script call per broadcast (as before the
 * Announcer) against one per turn of the event loop (room-channels.ts' Announcer), on a
 * Redis of its own with a subscriber on every channel. ANNOUNCE_PER_TURN messages (1: a
 * paced node; 50: a group commit under load) of two broadcasts each (~1.2 KB, as a chat
 * message and its notification) go out per turn, ANNOUNCE_MESSAGES in all, alternating the
 * two ways round by round (ANNOUNCE_ROUNDS). Prints process CPU µs per message: this
 * process (the node's side) and redis-server.
 */
import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { Announcer, type RawEntry } from '../src/cluster/announcer.js';
import { cpuMs, startRedis } from './processes.js';

const PER_TURN = Number(process.env.ANNOUNCE_PER_TURN ?? 1);
const MESSAGES = Number(process.env.ANNOUNCE_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.ANNOUNCE_ROUNDS ?? 3);

/** The script of one call per broadcast, as it was. */
const ONE = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
  'uid', ARGV[3], 'nsp', ARGV[4], 'type', ARGV[5], 'data', ARGV[6])
redis.call('PUBLISH', ARGV[2], id .. '\\n' .. ARGV[3] .. '\\n' .. ARGV[4] .. '\\n' .. ARGV[5] .. '\\n' .. ARGV[6])
return id`;
const ONE_SHA = createHash('sha1').update(ONE).digest('hex');

const redis = await startRedis();
const client = createClient({ url: redis.url });
const subscriber = client.duplicate();
await Promise.all([client.connect(), subscriber.connect()]);
let heard = 0;
await subscriber.pSubscribe('room#*', () => {
  heard++;
});
await client.scriptLoad(ONE);
const body = 'x'.repeat(900);
const entry = (i: number): RawEntry => ({
  uid: 'node-a',
  nsp: '/',
  type: '3',
  data: JSON.stringify({ packet: { type: 2, data: ['new-message', { body, i }], nsp: '/' } }),
});
const announcer = new Announcer(client, 'stream', 20_000, 100);
const ways = {
  'one call per broadcast': (channel: string, raw: RawEntry) =>
    client.evalSha(ONE_SHA, {
      keys: ['stream'],
      arguments: ['20000', channel, raw.uid, raw.nsp, raw.type, raw.data ?? ''],
    }),
  'one call per turn': (channel: string, raw: RawEntry) => announcer.append(channel, raw),
};

async function run(append: (channel: string, raw: RawEntry) => Promise<unknown>) {
  const [node0, redis0] = [process.cpuUsage(), cpuMs(redis.child.pid as number)];
  heard = 0;
  for (let sent = 0; sent < MESSAGES; sent += PER_TURN) {
    const turn: Promise<unknown>[] = [];
    for (let k = 0; k < PER_TURN; k++) {
      turn.push(append(`room#chat-${k}#`, entry(sent + k)), append(`room#admin-${k}#`, entry(k)));
    }
    await Promise.all(turn);
    await new Promise((r) => setImmediate(r));
  }
  while (heard < MESSAGES * 2) await new Promise((r) => setTimeout(r, 5));
  const node = process.cpuUsage(node0);
  return {
    node: (node.user + node.system) / MESSAGES,
    redis: ((cpuMs(redis.child.pid as number) - redis0) * 1000) / MESSAGES,
  };
}

const results = new Map<string, { node: number[]; redis: number[] }>();
for (let round = 0; round < ROUNDS; round++) {
  const order = Object.entries(ways);
  if (round % 2 === 1) order.reverse();
  for (const [name, append] of order) {
    const r = await run(append);
    const kept = results.get(name) ?? { node: [], redis: [] };
    kept.node.push(r.node);
    kept.redis.push(r.redis);
    results.set(name, kept);
  }
}
const span = (xs: number[]) =>
  `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
for (const [name, r] of results) {
  process.stdout.write(
    `${PER_TURN} msg/turn, ${name}: CPU µs per message: node ${span(r.node)}, Redis ${span(r.redis)}\n`,
  );
}
await subscriber.close();
await client.close();
await redis.stop();
