/**
 * A cluster as the cluster tests run it: server nodes as real processes on one fresh
 * PostgreSQL database, their own Redis, and nginx (deploy/nginx.conf) in front. In CI
 * every prerequisite is required; elsewhere a missing one skips the suite loudly.
 */
import { afterEach } from 'vitest';
import { type ChatNode, chatNode } from './chat-node.js';
import { type Nginx, nginxInstalled, startNginx } from './nginx.js';
import { type PrivateRedis, privateRedis, redisServerInstalled } from './private-redis.js';
import { freePort } from './processes.js';
import { storeTargets, type TestDatabase } from './stores.js';

export interface Cluster {
  nodes: ChatNode[];
  nginx: Nginx;
  redis: PrivateRedis;
  databaseUrl: string;
  /** Everything the nodes and nginx printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  nodes?: number;
  /** Extra environment for every node (RATE_LIMIT=off is the default). */
  env?: Record<string, string>;
  /** A PostgreSQL URL to use instead of a fresh database on the shared server. */
  databaseUrl?: string;
}

/** The URLs of the cluster's first two nodes (a cluster has two unless a test asks otherwise). */
export function twoNodeUrls(cluster: Cluster): [string, string] {
  const [first, second] = cluster.nodes;
  if (!first || !second) throw new Error(`expected two nodes, found ${cluster.nodes.length}`);
  return [first.url, second.url];
}

/** After a failed test, what the nodes and nginx printed (the last lines of each). */
export function printOutputOnFailure(cluster: () => Cluster | undefined): void {
  afterEach((context) => {
    if (context.task.result?.state !== 'fail') return;
    const output = cluster()?.output();
    if (output) console.error(`\n${output.split('\n').slice(-80).join('\n')}`);
  });
}

let ready: Promise<boolean> | undefined;

/** nginx, redis-server and PostgreSQL are all there (or CI fails, or the suite is skipped). */
export function clusterPrerequisites(): Promise<boolean> {
  ready ??= (async () => {
    const nginx = nginxInstalled();
    const redis = redisServerInstalled();
    const postgres = (await storeTargets()).some((t) => t.name === 'postgres');
    return nginx && redis && postgres;
  })();
  return ready;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  let db: TestDatabase | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    const postgres = (await storeTargets()).find((t) => t.name === 'postgres');
    if (!postgres) throw new Error('no PostgreSQL for the cluster');
    db = await postgres.create();
    if (db.config.kind !== 'postgres') throw new Error('expected a PostgreSQL database');
    databaseUrl = db.config.url;
  }
  const redis = await privateRedis().catch(async (err: unknown) => {
    await db?.drop();
    throw err;
  });
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    RATE_LIMIT: 'off',
    // nginx runs on this machine: believe its X-Forwarded-For, and only its.
    TRUST_PROXY: 'loopback',
    ...options.env,
  };
  const nodes: ChatNode[] = [];
  for (let i = 1; i <= (options.nodes ?? 2); i++) {
    nodes.push(chatNode(`node${i}`, await freePort(), env));
  }
  let nginx: Nginx | undefined;
  const stop = async () => {
    await nginx?.stop();
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await redis.stop();
    await db?.drop();
  };
  try {
    // The first node migrates the fresh database; the others start once it is done.
    await nodes[0]?.start();
    await Promise.all(nodes.slice(1).map((n) => n.start()));
    nginx = await startNginx(nodes.map((n) => n.port));
  } catch (err) {
    await stop();
    throw err;
  }
  const proxy = nginx;
  return {
    nodes,
    nginx: proxy,
    redis,
    databaseUrl,
    output: () =>
      [
        ...nodes.map((n) => `--- ${n.name}\n${n.output().slice(-8000)}`),
        `--- nginx\n${proxy.output().slice(-2000)}`,
      ].join('\n'),
    stop,
  };
}
