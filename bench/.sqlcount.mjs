import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const counts = new Map();
const origPrepare = Database.prototype.prepare;
Database.prototype.prepare = function (sql) {
  const st = origPrepare.call(this, sql);
  for (const m of ['run', 'get', 'all', 'iterate']) {
    const f = st[m];
    st[m] = function (...a) { const k = sql.replace(/\s+/g, ' ').slice(0, 110); counts.set(k, (counts.get(k) ?? 0) + 1); return f.apply(this, a); };
  }
  return st;
};
const origExec = Database.prototype.exec;
Database.prototype.exec = function (sql) { const k = 'EXEC ' + sql.slice(0, 100); counts.set(k, (counts.get(k) ?? 0) + 1); return origExec.call(this, sql); };
const dump = () => { const { writeFileSync } = require('node:fs'); writeFileSync(`/tmp/sqlcount-${process.pid}.txt`, [...counts].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${c}\t${k}`).join('\n')); };
process.on('SIGTERM', () => { dump(); process.exit(0); });
process.on('SIGINT', () => { dump(); process.exit(0); });
process.on('exit', dump);
