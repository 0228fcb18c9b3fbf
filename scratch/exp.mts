import BetterSqlite3 from 'better-sqlite3';
const db = new BetterSqlite3('/tmp/chat-reports-L6i50A/reports-1.db', { readonly: true });
const from = '2025-01-01T00:00:00.000Z', to = '2027-01-01T00:00:00.000Z';
const t = (name: string, q: string) => {
  const st = db.prepare(q);
  st.all(from, to);
  const c0 = process.cpuUsage();
  for (let i = 0; i < 3; i++) st.all(from, to);
  const c = process.cpuUsage(c0);
  console.log(name, ((c.user + c.system) / 3000).toFixed(1), 'ms CPU');
};
t('count', `SELECT count(*) FROM chats c WHERE c."createdAt" >= ? AND c."createdAt" < ?`);
t('sum ratings (row fetch)', `SELECT count(*), sum("ratingScore") FROM chats c WHERE c."createdAt" >= ? AND c."createdAt" < ?`);
t('1 unixepoch', `SELECT sum(unixepoch("closedAt", 'subsec')) FROM chats c WHERE c."createdAt" >= ? AND c."createdAt" < ?`);
t('1 julianday', `SELECT sum(julianday("closedAt")) FROM chats c WHERE c."createdAt" >= ? AND c."createdAt" < ?`);
t('4 unixepoch', `SELECT sum(unixepoch("closedAt", 'subsec') - unixepoch("createdAt", 'subsec') + unixepoch("firstAssignedAt", 'subsec') + unixepoch("firstResponseAt", 'subsec')) FROM chats c WHERE c."createdAt" >= ? AND c."createdAt" < ?`);
t('window 1 narrow', `WITH f AS (SELECT unixepoch("closedAt", 'subsec') - unixepoch("createdAt", 'subsec') AS v FROM chats c WHERE c."createdAt" >= ? AND c."createdAt" < ?)
  SELECT max(CASE WHEN r = n/2 THEN v END) FROM (SELECT v, row_number() OVER (ORDER BY v) r, count(*) OVER () n FROM f WHERE v IS NOT NULL)`);
t('order by 1 narrow', `SELECT unixepoch("closedAt", 'subsec') - unixepoch("createdAt", 'subsec') AS v FROM chats c WHERE c."createdAt" >= ? AND c."createdAt" < ? AND "closedAt" IS NOT NULL ORDER BY v`);
{
  const st = db.prepare(`SELECT unixepoch("closedAt", 'subsec') - unixepoch("createdAt", 'subsec') AS v FROM chats c WHERE c."createdAt" >= ? AND c."createdAt" < ? AND "closedAt" IS NOT NULL`).pluck();
  st.all(from, to);
  const c0 = process.cpuUsage();
  for (let i = 0; i < 3; i++) { const a = Float64Array.from(st.all(from, to) as number[]); a.sort(); }
  const c = process.cpuUsage(c0);
  console.log('pluck + js sort', ((c.user + c.system) / 3000).toFixed(1), 'ms CPU');
}
{
  const st = db.prepare(`SELECT unixepoch("closedAt", 'subsec') - unixepoch("createdAt", 'subsec') AS v, unixepoch("firstResponseAt", 'subsec') - unixepoch("createdAt", 'subsec'), unixepoch("firstAssignedAt", 'subsec') - unixepoch("createdAt", 'subsec') FROM chats c WHERE c."createdAt" >= ? AND c."createdAt" < ?`).raw();
  st.all(from, to);
  const c0 = process.cpuUsage();
  for (let i = 0; i < 3; i++) { const rows = st.all(from, to) as number[][]; const a = new Float64Array(rows.length); rows.forEach((r, j) => a[j] = r[0] ?? 0); a.sort(); }
  const c = process.cpuUsage(c0);
  console.log('raw 3 cols + js sort 1', ((c.user + c.system) / 3000).toFixed(1), 'ms CPU');
}
{
  let vals: number[] = [];
  db.aggregate('collect3', { start: () => [] as number[], step: (a: number[], v: number | null) => { if (v !== null) a.push(v); }, result: (a: number[]) => a.length });
  t('aggregate collect x3', `SELECT collect3(unixepoch("closedAt", 'subsec') - unixepoch("createdAt", 'subsec')), collect3(unixepoch("firstResponseAt", 'subsec') - unixepoch("createdAt", 'subsec')), collect3(unixepoch("firstAssignedAt", 'subsec') - unixepoch("createdAt", 'subsec')) FROM chats c WHERE c."createdAt" >= ? AND c."createdAt" < ?`);
}
