/** `npm run audit:verify` on a database: exit 0 when intact, 1 naming the first broken entry. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { rawSql } from '../helpers/raw-sql.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
const database = { kind: 'sqlite', path: join(dir, 'chat.db') } as const;

function verify() {
  const result = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/audit-verify.ts')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, DATABASE_URL: `sqlite:${database.path}` },
    cwd: dir,
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run audit:verify', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says the log is intact, then names the entry someone changed', async () => {
    const store = await openStore(database);
    const actor = { id: 'cli-admin', role: 'admin', name: 'Ann' } as const;
    const { chat } = await store.openChat(
      { userId: 'cli-user', userName: 'U', online: false },
      { actor, action: 'chat.opened', details: { userId: 'cli-user', userName: 'U' } },
    );
    await store.takeChat(chat._id, actor, false, { actor, action: 'chat.taken', details: {} });
    const taken = (await store.audit.list({ action: 'chat.taken', limit: 1 })).entries[0];
    await store.close();
    if (!taken) throw new Error('the take was recorded');

    const intact = verify();
    expect(intact.stdout).toMatch(/Audit log intact: 2 entries in 1 chains/);
    expect(intact.code).toBe(0);

    await rawSql(database, `UPDATE audit_log SET "actorName" = 'Mallory' WHERE id = '${taken.id}'`);
    const broken = verify();
    expect(broken.stderr).toContain(`entry ${taken.id} (chat:${chat._id} #2, chat.taken)`);
    expect(broken.code).toBe(1);
  });
});
