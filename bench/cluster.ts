/**
 * The cluster scenarios: server processes on one PostgreSQL database with their own Redis
 * (REDIS_URL). Two nodes: each chat's user on node A and its admin on node B, so that
 * every delivery crosses nodes, with a third node that has no clients at all. Three
 * nodes: the chats spread over them (users on A and admins on B, B and C, C and A). Against
 * one node on PostgreSQL, driven by the same load generator in the same round. Measures
 * delivered msg/s, latency at the same paced rate (half of the lower of the maxima, so
 * that none runs over its capacity), and CPU per delivered message: the nodes with
 * clients together, Redis's, and the node with no clients: what a node added to a
 * cluster costs per message of chats it has no sockets in.
 */
import { closePairs, latency, type Pair, setupPairs, throughput } from './load.js';
import { cpuMs, type RedisTarget, startRedis, startServer, type Target } from './processes.js';

export const ONE_NODE = 'postgres, 1 node';
export const TWO_NODES = 'postgres, 2 nodes + Redis';
export const THREE_NODES = 'postgres, 3 nodes + Redis';
export const CLUSTER_DEPLOYMENTS = [ONE_NODE, TWO_NODES, THREE_NODES];
/**
 * Two nodes with every chat's user and admin on the same node (half the chats on each):
 * without Redis, what splitting the load costs (smaller group commits and turns); with
 * Redis, that plus the sending node's publish (no other node hears the chats' channels).
 * Against TWO_NODES (every delivery crosses), the receiving node's share.
 */
export const TWO_LOCAL_NO_REDIS = 'pg, 2 local nodes';
export const TWO_LOCAL = 'pg, 2 local + Redis';

export interface ClusterBenchOptions {
  pairs: number;
  window: number;
  seconds: number;
  freshDatabase(): Promise<string>;
  say(line: string): void;
  record(scenario: string, target: string, value: number): void;
  /** The checkout whose built server runs (this one by default). */
  checkout?: string;
}

interface Deployment {
  /** Where the users of a share of the chats connect, and where their admins do. */
  routes: { userUrl: string; adminUrl: string }[];
  nodes: Target[];
  /** A node in the cluster with no client. */
  idle: Target | undefined;
  redis: RedisTarget | undefined;
  stop(): Promise<void>;
}

async function deploy(name: string, databaseUrl: string, checkout?: string): Promise<Deployment> {
  const start = (env: Record<string, string> = {}) =>
    startServer('postgres', databaseUrl, env, [], checkout);
  if (name === ONE_NODE) {
    const node = await start();
    return {
      routes: [{ userUrl: node.url, adminUrl: node.url }],
      nodes: [node],
      idle: undefined,
      redis: undefined,
      stop: () => node.stop(),
    };
  }
  if (name === TWO_LOCAL_NO_REDIS) {
    // One after the other: the first migrates the fresh database.
    const a = await start();
    const b = await start();
    return {
      routes: [
        { userUrl: a.url, adminUrl: a.url },
        { userUrl: b.url, adminUrl: b.url },
      ],
      nodes: [a, b],
      idle: undefined,
      redis: undefined,
      stop: async () => {
        await Promise.all([a.stop(), b.stop()]);
      },
    };
  }
  const redis = await startRedis();
  // One after the other: the first migrates the fresh database.
  const a = await start({ REDIS_URL: redis.url });
  const b = await start({ REDIS_URL: redis.url });
  const c = await start({ REDIS_URL: redis.url });
  if (name === THREE_NODES) {
    return {
      routes: [
        { userUrl: a.url, adminUrl: b.url },
        { userUrl: b.url, adminUrl: c.url },
        { userUrl: c.url, adminUrl: a.url },
      ],
      nodes: [a, b, c],
      idle: undefined,
      redis,
      async stop() {
        await Promise.all([a.stop(), b.stop(), c.stop()]);
        await redis.stop();
      },
    };
  }
  const idle = c;
  return {
    routes:
      name === TWO_LOCAL
        ? [
            { userUrl: a.url, adminUrl: a.url },
            { userUrl: b.url, adminUrl: b.url },
          ]
        : [{ userUrl: a.url, adminUrl: b.url }],
    nodes: [a, b],
    idle,
    redis,
    async stop() {
      await Promise.all([a.stop(), b.stop(), idle.stop()]);
      await redis.stop();
    },
  };
}

const cpuOf = (d: Deployment) => ({
  nodes: d.nodes.reduce((ms, n) => ms + cpuMs(n.child.pid as number), 0),
  idle: d.idle ? cpuMs(d.idle.child.pid as number) : 0,
  redis: d.redis ? cpuMs(d.redis.child.pid as number) : 0,
});

async function withPairs<T>(
  name: string,
  label: string,
  o: ClusterBenchOptions,
  work: (d: Deployment, pairs: Pair[], tag: string) => Promise<T>,
): Promise<T> {
  const deployment = await deploy(name, await o.freshDatabase(), o.checkout);
  const tag = `${name.replace(/\W+/g, '-')}-${label}`;
  o.say(`${name} (${label}): connecting ${o.pairs} chats (users on one node, admins on another)`);
  const share = Math.ceil(o.pairs / deployment.routes.length);
  const pairs: Pair[] = [];
  for (const [i, route] of deployment.routes.entries()) {
    const count = Math.min(share, o.pairs - pairs.length);
    pairs.push(...(await setupPairs(route.userUrl, count, `${tag}-${i}`, true, route.adminUrl)));
  }
  try {
    return await work(deployment, pairs, tag);
  } finally {
    closePairs(pairs);
    await deployment.stop();
  }
}

/** Throughput of one deployment, with CPU per delivered message; resolves to its msg/s. */
export function clusterThroughput(
  name: string,
  round: number,
  o: ClusterBenchOptions,
): Promise<number> {
  return withPairs(name, `${round}`, o, async (d, pairs, tag) => {
    o.say(`round ${round} ${name}: throughput for ${o.seconds} s (window ${o.window} per sender)`);
    const before = cpuOf(d);
    const tp = await throughput(pairs, `${tag}-tp`, o.seconds * 1000, o.window);
    const after = cpuOf(d);
    // Over the whole call (warm-up, window, drain), per message delivered in it.
    const delivered = tp.deliveredTotal;
    const perMessage = (from: number, to: number) => ((to - from) * 1000) / delivered;
    const nodesUs = perMessage(before.nodes, after.nodes);
    o.record('delivered msg/s (socket, acked)', name, tp.deliveredPerSecond);
    o.record('CPU µs per delivered msg: the nodes with clients', name, nodesUs);
    let extra = '';
    if (d.redis) {
      const redisUs = perMessage(before.redis, after.redis);
      o.record('CPU µs per delivered msg: Redis', name, redisUs);
      extra = `, Redis ${redisUs.toFixed(0)} µs`;
    }
    if (d.idle) {
      const idleUs = perMessage(before.idle, after.idle);
      o.record('CPU µs per delivered msg: a node with no clients', name, idleUs);
      extra += `, a node with no clients ${idleUs.toFixed(0)} µs`;
    }
    o.say(
      `  ${tp.deliveredPerSecond.toFixed(0)} delivered/s, ${tp.errors} errors; CPU per message: nodes ${nodesUs.toFixed(0)} µs${extra}`,
    );
    return tp.deliveredPerSecond;
  });
}

/** One round: throughput (with CPU) of each, then latency of each at half of the lowest maximum. */
export async function clusterRound(round: number, o: ClusterBenchOptions): Promise<void> {
  const max: number[] = [];
  for (const name of CLUSTER_DEPLOYMENTS) max.push(await clusterThroughput(name, round, o));
  const rate = Math.min(...max) / 2;
  for (const name of CLUSTER_DEPLOYMENTS) {
    await withPairs(name, `${round}-lat`, o, async (_d, pairs, tag) => {
      o.say(`round ${round} ${name}: latency at ${rate.toFixed(0)} msg/s (half of the lower max)`);
      const lat = await latency(pairs, `${tag}-lat`, rate, o.seconds * 1000);
      o.record('latency p50 (ms) at half of the lower max', name, lat.p50);
      o.record('latency p99 (ms) at half of the lower max', name, lat.p99);
      o.say(
        `  p50 ${lat.p50.toFixed(2)} ms, p99 ${lat.p99.toFixed(2)} ms (${lat.samples} samples)`,
      );
    });
  }
}

/**
 * CPU per message at a paced `rate` every deployment carries, above each process's own
 * idle CPU (taken over as long a quiet window just before): on a loaded machine, full
 * load measures the machine more than the server, and at a low rate a process's timers
 * would otherwise count as cost per message. Messages: every one sent (each is delivered
 * once to the other side), warm-up included.
 */
export function clusterPacedCpu(
  name: string,
  round: number,
  rate: number,
  o: ClusterBenchOptions,
): Promise<void> {
  return withPairs(name, `${round}-paced`, o, async (d, pairs, tag) => {
    const ms = o.seconds * 1000;
    const quietFrom = cpuOf(d);
    const quietStart = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    const quietTo = cpuOf(d);
    const quietMs = performance.now() - quietStart;
    const before = cpuOf(d);
    const started = performance.now();
    const lat = await latency(pairs, `${tag}-paced`, rate, ms);
    const after = cpuOf(d);
    const wallMs = performance.now() - started;
    const messages = rate * ((ms + 1000) / 1000);
    const above = (key: 'nodes' | 'idle' | 'redis') => {
      const idlePerMs = (quietTo[key] - quietFrom[key]) / quietMs;
      return ((after[key] - before[key] - idlePerMs * wallMs) * 1000) / messages;
    };
    const scenario = (who: string) => `paced ${rate} msg/s: CPU µs per msg above idle, ${who}`;
    o.record(scenario('the nodes with clients'), name, above('nodes'));
    let extra = '';
    if (d.redis) {
      o.record(scenario('Redis'), name, above('redis'));
      extra += `, Redis ${above('redis').toFixed(1)} µs`;
    }
    if (d.idle) {
      o.record(scenario('a node with no clients'), name, above('idle'));
      extra += `, a node with no clients ${above('idle').toFixed(1)} µs`;
    }
    o.record(`paced ${rate} msg/s: latency p50 (ms)`, name, lat.p50);
    o.say(
      `  paced ${rate} msg/s: p50 ${lat.p50.toFixed(1)} ms; CPU per message above idle: nodes ${above('nodes').toFixed(1)} µs${extra}`,
    );
  });
}
