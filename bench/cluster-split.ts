/**
 * `node --import tsx bench/cluster-split.ts [checkout]`: where a two-node cluster's CPU per
 * message goes beyond one node's, at one paced rate (CLUSTER_AB_RATE, default 1000 msg/s),
 * CPU µs per message above each process's idle (`clusterPacedCpu`), round after round
 * (CLUSTER_AB_ROUNDS, default 2; CLUSTER_AB_SECONDS, default 6):
 * one node; two nodes with each chat wholly on one of them and no Redis (what splitting
 * the load costs); the same with Redis (plus the sending node's publish); two nodes with
 * every chat's user on A and admin on B (plus the receiving node's work).
 */
import { resolve } from 'node:path';
import { clusterPacedCpu, ONE_NODE, TWO_LOCAL, TWO_LOCAL_NO_REDIS, TWO_NODES } from './cluster.js';
import { benchDatabases } from './databases.js';

const checkout = resolve(process.argv[2] ?? '.');
const ROUNDS = Number(process.env.CLUSTER_AB_ROUNDS ?? 2);
const SECONDS = Number(process.env.CLUSTER_AB_SECONDS ?? 6);
const RATE = Number(process.env.CLUSTER_AB_RATE ?? 1000);
const DEPLOYMENTS = (process.env.CLUSTER_SPLIT ?? '')
  .split(',')
  .filter((d) => d !== '')
  .map((d) => [ONE_NODE, TWO_LOCAL_NO_REDIS, TWO_LOCAL, TWO_NODES][Number(d)] as string);
const databases = benchDatabases('fanout_split');
const t0 = performance.now();
const say = (line: string) =>
  process.stderr.write(`[${Math.round((performance.now() - t0) / 1000)} s] ${line}\n`);
const results = new Map<string, number[]>();
const record = (scenario: string, target: string, value: number) => {
  const key = `${target} | ${scenario}`;
  results.set(key, [...(results.get(key) ?? []), value]);
};
// Names stay short: they make the ids and clientMessageIds, which have a length limit.
const list =
  DEPLOYMENTS.length > 0 ? DEPLOYMENTS : [ONE_NODE, TWO_LOCAL_NO_REDIS, TWO_LOCAL, TWO_NODES];
for (let round = 1; round <= ROUNDS; round++) {
  for (const name of round % 2 === 1 ? list : [...list].reverse()) {
    await clusterPacedCpu(name, round, RATE, {
      pairs: 100,
      window: 4,
      seconds: SECONDS,
      freshDatabase: () => databases.fresh('postgres'),
      say,
      record,
      checkout,
    });
  }
}
const span = (xs: number[]) =>
  `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)} (${xs.map((x) => x.toFixed(1)).join(', ')})`;
for (const [key, values] of results) process.stdout.write(`${key}: ${span(values)}\n`);
await databases.dropAll();
