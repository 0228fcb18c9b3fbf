/**
 * `npm run bench:cluster-ab -- <baseline> [<candidate>]`: the cluster scenarios
 * (bench/cluster.ts) of the server built in the candidate checkout (this one by default)
 * against the one built in the baseline checkout, alternating round by round (A B, then
 * B A, ...) so that a drift of a loaded machine hits both. Each round measures one node
 * once (the same code on both sides: no Redis), then each side's two nodes (with a third
 * that has no clients) and three nodes (chats spread over them), each at one paced rate
 * (CLUSTER_AB_RATE, default 200 msg/s) with its CPU per message above its idle CPU
 * (`clusterPacedCpu`). Prints each as mean (min–max) over the rounds, and the ratio of the
 * cluster's CPU per message to one node's. CLUSTER_AB_ROUNDS (default 3) and
 * CLUSTER_AB_SECONDS (default 6) set the length. CLUSTER_AB_FULL=1 runs each at full load
 * instead (`clusterThroughput`: a window of sends per sender), with the ratios of its
 * delivered msg/s and of its CPU per delivered message to one node's.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clusterPacedCpu, clusterThroughput, ONE_NODE, THREE_NODES, TWO_NODES } from './cluster.js';
import { benchDatabases } from './databases.js';

const [baseline, candidate = '.'] = process.argv.slice(2);
if (baseline === undefined || ![baseline, candidate].every((c) => existsSync(join(c, 'dist')))) {
  process.stderr.write('usage: npm run bench:cluster-ab -- <baseline> [<candidate>] (built)\n');
  process.exit(2);
}
const ROUNDS = Number(process.env.CLUSTER_AB_ROUNDS ?? 3);
const SECONDS = Number(process.env.CLUSTER_AB_SECONDS ?? 6);
const RATE = Number(process.env.CLUSTER_AB_RATE ?? 200);
const FULL = process.env.CLUSTER_AB_FULL === '1';
const databases = benchDatabases('fanout_ab');
const t0 = performance.now();
const say = (line: string) =>
  process.stderr.write(`[${Math.round((performance.now() - t0) / 1000)} s] ${line}\n`);

/** side → scenario → deployment → one value per round */
const results = new Map<string, Map<string, Map<string, number[]>>>();
const recorder = (side: string) => (scenario: string, target: string, value: number) => {
  const bySide = results.get(side) ?? new Map<string, Map<string, number[]>>();
  results.set(side, bySide);
  const byScenario = bySide.get(scenario) ?? new Map<string, number[]>();
  bySide.set(scenario, byScenario);
  byScenario.set(target, [...(byScenario.get(target) ?? []), value]);
};
const options = (side: string, checkout: string) => ({
  pairs: 100,
  window: 4,
  seconds: SECONDS,
  freshDatabase: () => databases.fresh('postgres'),
  say,
  record: recorder(side),
  checkout: resolve(checkout),
});

const sides: [string, string][] = [
  ['baseline', baseline],
  ['candidate', candidate],
];
const measure = async (name: string, round: number, side: string, checkout: string) => {
  if (FULL) await clusterThroughput(name, round, options(side, checkout));
  else await clusterPacedCpu(name, round, RATE, options(side, checkout));
};
for (let round = 1; round <= ROUNDS; round++) {
  await measure(ONE_NODE, round, 'one node', candidate);
  const order = round % 2 === 1 ? sides : [...sides].reverse();
  for (const [side, checkout] of order) {
    for (const name of [TWO_NODES, THREE_NODES]) await measure(name, round, side, checkout);
  }
}

const span = (xs: number[]) =>
  `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
const NODES = FULL
  ? 'CPU µs per delivered msg: the nodes with clients'
  : `paced ${RATE} msg/s: CPU µs per msg above idle, the nodes with clients`;
const DELIVERED = 'delivered msg/s (socket, acked)';
const oneNode = results.get('one node');
const oneOf = (scenario: string) => oneNode?.get(scenario)?.get(ONE_NODE) ?? [];
process.stdout.write(`one node: CPU µs per delivered msg ${span(oneOf(NODES))}\n`);
if (FULL) process.stdout.write(`one node: delivered msg/s ${span(oneOf(DELIVERED))}\n`);
for (const [side] of sides) {
  for (const [scenario, byTarget] of results.get(side) ?? []) {
    for (const [target, values] of byTarget) {
      process.stdout.write(`${side} | ${target} | ${scenario}: ${span(values)}\n`);
      if (scenario !== NODES && scenario !== DELIVERED) continue;
      const ratios = values.map((v, i) => v / (oneOf(scenario)[i] ?? Number.NaN));
      const what = scenario === NODES ? 'CPU per msg' : 'delivered msg/s';
      process.stdout.write(`${side} | ${target} | ${what} / one node's: ${span(ratios)}\n`);
    }
  }
}
await databases.dropAll();
