import { openStore } from '../src/store/open.ts';
const store = await openStore({ kind: (process.argv[2] ?? 'sqlite') as 'sqlite', path: process.argv[3] ?? '/tmp/chat-reports-L6i50A/reports-1.db', url: process.argv[3] } as never);
const scope = { from: '2025-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', adminId: undefined };
for (const [name, run] of [
  ['summary year', () => store.reports.summary(scope)],
  ['agents year', () => store.reports.agents(scope)],
] as const) {
  await run();
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < 5; i++) await run();
  const c = process.cpuUsage(c0);
  console.log(name, 'cpu', ((c.user + c.system) / 5000).toFixed(1), 'wall', ((performance.now() - t0) / 5).toFixed(1));
}
console.log(JSON.stringify(await store.reports.summary(scope)).slice(0, 300));
await store.close();
