/**
 * The two-node scenario: two server processes on one PostgreSQL database with their own
 * Redis (REDIS_URL), each chat's user on node A and its admin on node B, so that every
 * delivery crosses nodes; against one node on PostgreSQL, driven by the same load
 * generator in the same round. Measures delivered msg/s, latency at the same paced rate
 * (half of the lower of the two maxima, so that neither runs over its capacity), and CPU
 * per delivered message: the two nodes' together, Redis's, and that of a third node
 * with no clients at all, which still reads every entry of the stream: what each node
 * added to a cluster costs per message of the whole cluster.
 */
import { closePairs, latency, type Pair, setupPairs, throughput } from './load.js';
import { cpuMs, type RedisTarget, startRedis, startServer, type Target } from './processes.js';

export const ONE_NODE = 'postgres, 1 node';
export const TWO_NODES = 'postgres, 2 nodes + Redis';

export interface ClusterBenchOptions {
  pairs: number;
  window: number;
  seconds: number;
  freshDatabase(): Promise<string>;
  say(line: string): void;
  record(scenario: string, target: string, value: number): void;
}

interface Deployment {
  /** Where the users connect, and where the admins do. */
  userUrl: string;
  adminUrl: string;
  nodes: Target[];
  /** A node in the cluster with no client. */
  idle: Target | undefined;
  redis: RedisTarget | undefined;
  stop(): Promise<void>;
}

async function deploy(name: string, databaseUrl: string): Promise<Deployment> {
  if (name === ONE_NODE) {
    const node = await startServer('postgres', databaseUrl);
    return {
      userUrl: node.url,
      adminUrl: node.url,
      nodes: [node],
      idle: undefined,
      redis: undefined,
      stop: () => node.stop(),
    };
  }
  const redis = await startRedis();
  // One after the other: the first migrates the fresh database.
  const a = await startServer('postgres', databaseUrl, { REDIS_URL: redis.url });
  const b = await startServer('postgres', databaseUrl, { REDIS_URL: redis.url });
  const idle = await startServer('postgres', databaseUrl, { REDIS_URL: redis.url });
  return {
    userUrl: a.url,
    adminUrl: b.url,
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
  const deployment = await deploy(name, await o.freshDatabase());
  const tag = `${name.replace(/\W+/g, '-')}-${label}`;
  o.say(`${name} (${label}): connecting ${o.pairs} chats (users on one node, admins on the other)`);
  const pairs = await setupPairs(deployment.userUrl, o.pairs, tag, true, deployment.adminUrl);
  try {
    return await work(deployment, pairs, tag);
  } finally {
    closePairs(pairs);
    await deployment.stop();
  }
}

/** One round: throughput (with CPU) of each, then latency of each at half of one node's maximum. */
export async function clusterRound(round: number, o: ClusterBenchOptions): Promise<void> {
  const max = new Map<string, number>();
  for (const name of [ONE_NODE, TWO_NODES]) {
    await withPairs(name, `${round}`, o, async (d, pairs, tag) => {
      o.say(
        `round ${round} ${name}: throughput for ${o.seconds} s (window ${o.window} per sender)`,
      );
      const before = cpuOf(d);
      const tp = await throughput(pairs, `${tag}-tp`, o.seconds * 1000, o.window);
      const after = cpuOf(d);
      // Over the whole call (warm-up, window, drain), per message delivered in it.
      const delivered = tp.deliveredTotal;
      const perMessage = (from: number, to: number) => ((to - from) * 1000) / delivered;
      const nodesUs = perMessage(before.nodes, after.nodes);
      max.set(name, tp.deliveredPerSecond);
      o.record('delivered msg/s (socket, acked)', name, tp.deliveredPerSecond);
      o.record('CPU µs per delivered msg: the nodes with clients', name, nodesUs);
      let extra = '';
      if (d.redis && d.idle) {
        const redisUs = perMessage(before.redis, after.redis);
        const idleUs = perMessage(before.idle, after.idle);
        o.record('CPU µs per delivered msg: Redis', name, redisUs);
        o.record('CPU µs per delivered msg: a node with no clients', name, idleUs);
        extra = `, Redis ${redisUs.toFixed(0)} µs, a node with no clients ${idleUs.toFixed(0)} µs`;
      }
      o.say(
        `  ${tp.deliveredPerSecond.toFixed(0)} delivered/s, ${tp.errors} errors; CPU per message: nodes ${nodesUs.toFixed(0)} µs${extra}`,
      );
    });
  }
  const rate = Math.min(max.get(ONE_NODE) ?? 0, max.get(TWO_NODES) ?? 0) / 2;
  for (const name of [ONE_NODE, TWO_NODES]) {
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
