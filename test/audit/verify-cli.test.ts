/** `npm run audit:verify` on a database: exit 0 when intact, 1 naming the first broken entry. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { rawSql } from '../helpers/raw-sql.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
let database = { kind: 'sqlite', path: join(dir, 'chat.db') } as const;
let files = 0;

function verify(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--import', tsx, join(root, 'src/audit-verify.ts'), ...args],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DATABASE_URL: `sqlite:${database.path}` },
      cwd: dir,
      timeout: 60_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run audit:verify', () => {
  // Each test its own database file; every run of the command is a fresh process.
  beforeEach(() => {
    files += 1;
    database = { kind: 'sqlite', path: join(dir, `chat-${files}.db`) } as const;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says the log is intact, then names the entry someone changed', {
    timeout: 90_000,
  }, async () => {
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
    expect(intact.stdout).toMatch(/Audit log intact: 2 entries in 1 chain$/m);
    expect(intact.code).toBe(0);

    await rawSql(database, `UPDATE audit_log SET "actorName" = 'Mallory' WHERE id = '${taken.id}'`);
    const broken = verify();
    expect(broken.stderr).toContain(`entry ${taken.id} (chat:${chat._id} #2, chat.taken)`);
    expect(broken.code).toBe(1);
  });

  it('keeps a checkpoint outside the database and fails when a chain no longer reaches it', {
    timeout: 120_000,
  }, async () => {
    const store = await openStore(database);
    const actor = { id: 'cp-admin', role: 'admin', name: 'Ann' } as const;
    const { chat } = await store.openChat(
      { userId: 'cp-user', userName: 'U', online: false },
      { actor, action: 'chat.opened', details: { userId: 'cp-user', userName: 'U' } },
    );
    await store.takeChat(chat._id, actor, false, { actor, action: 'chat.taken', details: {} });
    await store.close();
    const saved = join(dir, 'checkpoint.json');
    const first = verify('--save-checkpoint', saved);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/Checkpoint of \d+ chains?'s? ends? written/);
    expect(first.code).toBe(0);
    expect(JSON.parse(readFileSync(saved, 'utf8')).heads[`chat:${chat._id}`]).toMatchObject({
      seq: 2,
    });
    expect(verify('--checkpoint', saved).code).toBe(0);

    // The take removed together with the chain's recorded end: only the checkpoint tells.
    await rawSql(
      database,
      `DELETE FROM audit_log WHERE chain = 'chat:${chat._id}' AND "chainSeq" = 2`,
    );
    await rawSql(database, `DELETE FROM audit_chains WHERE chain = 'chat:${chat._id}'`);
    const opened = await openStore(database);
    const firstEntry = (await opened.audit.list({ chatId: chat._id, limit: 1 })).entries[0];
    await opened.close();
    await rawSql(
      database,
      `INSERT INTO audit_chains (chain, seq, hash) VALUES ('chat:${chat._id}', 1, '${firstEntry?.hash}')`,
    );
    expect(verify().code).toBe(0);
    const cut = verify('--checkpoint', saved);
    expect(cut.stderr).toContain(`chain chat:${chat._id} no longer reaches #2`);
    expect(cut.code).toBe(1);
  });

  it('refuses a checkpoint it cannot read, and unknown options, with exit 2', {
    timeout: 90_000,
  }, () => {
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, '{"format":"something else"}');
    const bad = verify('--checkpoint', garbage);
    expect(bad.stderr).toContain(`--checkpoint ${garbage}: the checkpoint file is not a`);
    expect(bad.code).toBe(2);
    const missing = verify('--checkpoint', join(dir, 'nowhere.json'));
    expect(missing.stderr).toContain('nowhere.json');
    expect(missing.code).toBe(2);
    // A mistyped database path is not an empty, intact log.
    const nowhere = verify();
    expect(nowhere.stderr).toContain(`there is no SQLite file at ${database.path}`);
    expect(nowhere.code).toBe(2);
    // A checkpoint that could not be kept is said before the walk, without a stack.
    const unsaved = join(dir, 'no-such-folder', 'next.json');
    const cannotSave = verify('--save-checkpoint', unsaved);
    expect(cannotSave.stderr).toContain(`--save-checkpoint ${unsaved}: cannot be written (`);
    expect(cannotSave.stderr).not.toMatch(/^\s+at /m);
    expect(cannotSave.stdout).toBe('');
    expect(cannotSave.code).toBe(2);
    const unknown = verify('--chekpoint', garbage);
    expect(unknown.stderr).toContain('--chekpoint');
    expect(unknown.code).toBe(2);
  });

  it('says in one line that a file its server holds cannot be read, with exit 2', {
    timeout: 90_000,
  }, async () => {
    const store = await openStore(database);
    try {
      const held = verify();
      expect(held.code).toBe(2);
      expect(held.stderr).toMatch(
        /^Audit verification could not run: .*in use by another server process/,
      );
      // What to do about it: the server's own advice (use PostgreSQL for several nodes) is
      // no answer for someone who wants to verify the file.
      expect(held.stderr).toContain('stop the server first');
      expect(held.stderr).toContain('DATABASE_URL=sqlite:<copy> npm run audit:verify');
      expect(held.stderr).not.toContain('to run several');
      expect(held.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
