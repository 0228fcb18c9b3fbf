/**
 * The audit log's chains on each store: every recorded change links to the one before it,
 * concurrent changes from two store instances (two nodes) keep one valid chain per chat,
 * two nodes starting one chain at once both link, an audited open on PostgreSQL is one
 * statement, and verification names the first entry that was changed, removed or cut off.
 */
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditDraft, ChatAudit } from '../../src/audit/chain.js';
import { describeBreak, entryHash } from '../../src/audit/chain.js';
import { type Checkpoint, checkpointOf } from '../../src/audit/checkpoint.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { person } from '../../src/auth/actor.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { rawSql } from '../helpers/raw-sql.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const ADMIN = { id: 'au-admin', role: 'admin', name: 'Ann' } as const;
const OTHER = { id: 'au-other', role: 'admin', name: 'Bob' } as const;
const took = (lock: boolean): ChatAudit => ({
  actor: ADMIN,
  action: lock ? 'chat.locked' : 'chat.taken',
  details: {},
});
const desk = (status: 'available' | 'away'): AuditDraft => ({
  actor: ADMIN,
  action: 'agent.availability',
  chatId: null,
  details: { adminId: ADMIN.id, status },
});

describe.each(await storeTargets())('audit chains on $name', (target) => {
  let db: TestDatabase;
  const open: Store[] = [];
  const openOne = async () => {
    const store = await openStore(db.config);
    open.push(store);
    return store;
  };
  const closeAll = async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  };
  afterEach(async () => {
    await closeAll();
    await db?.drop();
  });

  /** A chat opened, taken, transferred and closed, with entries as the use cases write them. */
  async function oneChatsLife(store: Store) {
    const opened = await store.openChat(
      { userId: 'au-user', userName: 'Uma', online: false },
      {
        actor: { id: 'au-user', role: 'user', name: 'Uma' },
        action: 'chat.opened',
        details: { userId: 'au-user', userName: 'Uma' },
      },
    );
    const chatId = opened.chat._id;
    expect(await store.takeChat(chatId, ADMIN, true, took(true))).toBeDefined();
    expect(
      await store.transferChat(chatId, ADMIN.id, OTHER, {
        actor: ADMIN,
        action: 'chat.transferred',
        details: { fromAdminId: ADMIN.id, toAdminId: OTHER.id },
      }),
    ).toBeDefined();
    // A refused change (Ann no longer holds it) records nothing.
    expect(
      await store.closeChat(chatId, person(ADMIN.id, ADMIN.name, 'admin'), {
        actor: ADMIN,
        action: 'chat.closed',
        details: {},
      }),
    ).toBeUndefined();
    expect(
      await store.closeChat(chatId, person(OTHER.id, OTHER.name, 'admin'), {
        actor: OTHER,
        action: 'chat.closed',
        details: {},
      }),
    ).toBeDefined();
    await store.setAgentAvailability(ADMIN.id, 'away', desk('away'));
    return chatId;
  }

  it('records each change once, in order, each linked to the one before', async () => {
    db = await target.create();
    const store = await openOne();
    const chatId = await oneChatsLife(store);
    const { entries } = await store.audit.list({ chatId, limit: 50 });
    expect(entries.map((e) => [e.action, e.chainSeq, e.actor.id])).toEqual([
      ['chat.closed', 4, OTHER.id],
      ['chat.transferred', 3, ADMIN.id],
      ['chat.locked', 2, ADMIN.id],
      ['chat.opened', 1, 'au-user'],
    ]);
    const oldestFirst = [...entries].reverse();
    for (const [i, e] of oldestFirst.entries()) {
      expect(e.chain).toBe(`chat:${chatId}`);
      if (i > 0) expect(e.prevHash).toBe(oldestFirst[i - 1]?.hash);
    }
    const deskEntries = (await store.audit.list({ action: 'agent.availability', limit: 10 }))
      .entries;
    expect(deskEntries).toMatchObject([
      { chain: 'desk', chainSeq: 1, details: { status: 'away' } },
    ]);
    expect(await verifyAudit(store.audit)).toMatchObject({ ok: true, chains: 2, entries: 5 });
  });

  it('two nodes changing one chat and the desk at once keep one valid chain each', async () => {
    db = await target.create();
    // SQLite serves one node: there, the same instance takes both halves of the race.
    const a = await openOne();
    const b = target.name === 'postgres' ? await openOne() : a;
    const { chat } = await a.openChat({ userId: 'au-race', userName: 'R', online: false });
    // Take, then lock/unlock back and forth from both instances: every success is an entry.
    const rounds = 15;
    const results = await Promise.all(
      Array.from({ length: rounds }, (_, i) => {
        const store = i % 2 === 0 ? a : b;
        return Promise.all([
          store.takeChat(chat._id, ADMIN, i % 3 === 0, took(i % 3 === 0)),
          store.releaseChat(chat._id, ADMIN.id, {
            actor: ADMIN,
            action: 'chat.unlocked',
            details: {},
          }),
          // Different agents: only the desk chain's own lock orders these.
          store.setAgentAvailability(`au-agent-${i}`, 'away', {
            ...desk('away'),
            details: { adminId: `au-agent-${i}`, status: 'away' },
          }),
        ]);
      }),
    );
    const changes = results.flatMap(([t, r]) => [t, r]).filter((c) => c !== undefined).length;
    const verified = await verifyAudit(a.audit);
    expect(verified).toMatchObject({ ok: true, chains: 2, entries: changes + rounds });
  });

  it('two nodes starting one chain at once link every entry of it', async () => {
    db = await target.create();
    const a = await openOne();
    const b = target.name === 'postgres' ? await openOne() : a;
    // The desk chain does not exist yet: every one of these may be the one to start it.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? a : b).setAgentAvailability(`au-start-${i}`, 'away', {
          ...desk('away'),
          details: { adminId: `au-start-${i}`, status: 'away' },
        }),
      ),
    );
    expect(await verifyAudit(a.audit)).toMatchObject({ ok: true, chains: 1, entries: 12 });
  });

  it.skipIf(target.name !== 'postgres')(
    'an audited open is one transaction after the lookup of an open chat (the erasure hold checked, then one statement), and its chain verifies',
    async () => {
      db = await target.create();
      const store = await openOne();
      await store.setAgentAvailability(ADMIN.id, 'away', desk('away'));
      const query = vi.spyOn(pg.Client.prototype, 'query');
      try {
        await store.openChat(
          { userId: 'au-one', userName: 'Uma', online: false },
          {
            actor: { id: 'au-one', role: 'user', name: 'Uma' },
            action: 'chat.opened',
            details: { userId: 'au-one', userName: 'Uma' },
          },
        );
        // The lookup; BEGIN, the user's erasure lock (shared), the read of their holds, the
        // chat with its entry and chain end in one statement, COMMIT.
        expect(query).toHaveBeenCalledTimes(6);
      } finally {
        query.mockRestore();
      }
      expect(await verifyAudit(store.audit)).toMatchObject({ ok: true, chains: 2, entries: 2 });
    },
  );

  it.each([
    [
      'an entry changed after it was written',
      (id: string) =>
        `UPDATE audit_log SET details = '{"fromAdminId":"someone-else"}' WHERE id = '${id}'`,
      'hash',
    ],
    [
      'an entry removed from the middle',
      (id: string) => `DELETE FROM audit_log WHERE id = '${id}'`,
      'gap',
    ],
    [
      'an actor rewritten',
      (id: string) => `UPDATE audit_log SET "actorId" = 'au-innocent' WHERE id = '${id}'`,
      'hash',
    ],
  ])('verification names %s', async (_what, tamper, kind) => {
    db = await target.create();
    const store = await openOne();
    const chatId = await oneChatsLife(store);
    const transferred = (await store.audit.list({ chatId, action: 'chat.transferred', limit: 1 }))
      .entries[0];
    if (!transferred) throw new Error('the transfer was recorded above');
    await closeAll();
    await rawSql(db.config, tamper(transferred.id));
    const reopened = await openOne();
    const result = await verifyAudit(reopened.audit);
    if (result.ok) throw new Error('the tampered log verified');
    expect(result.broken.kind).toBe(kind);
    // The first entry that no longer fits: the changed one, or the one after a removed one.
    expect(describeBreak(result.broken)).toMatch(
      `chat:${chatId} #3`.replace('#3', kind === 'gap' ? '#4' : '#3'),
    );
  });

  it.each([
    [
      "an action rewritten to one this version does not know (read as the first action's placeholder)",
      'chat.opened' as const,
      (id: string) => `UPDATE audit_log SET action = 'chat.forgotten' WHERE id = '${id}'`,
    ],
    [
      'a detail added that is not a plain value (dropped when read)',
      'chat.transferred' as const,
      (id: string) =>
        `UPDATE audit_log SET details = '{"fromAdminId":"au-admin","refund":{"to":"x"},"toAdminId":"au-other"}' WHERE id = '${id}'`,
    ],
  ])('verification names %s', async (_what, action, tamper) => {
    db = await target.create();
    const store = await openOne();
    const chatId = await oneChatsLife(store);
    const entry = (await store.audit.list({ chatId, action, limit: 1 })).entries[0];
    if (!entry) throw new Error('the change was recorded above');
    await closeAll();
    await rawSql(db.config, tamper(entry.id));
    const result = await verifyAudit((await openOne()).audit);
    if (result.ok) throw new Error('the tampered log verified');
    expect(result.broken).toMatchObject({ kind: 'hash', entry: { id: entry.id } });
  });

  it('verification notices the last entries of a chain cut off', async () => {
    db = await target.create();
    const store = await openOne();
    const chatId = await oneChatsLife(store);
    await closeAll();
    await rawSql(
      db.config,
      `DELETE FROM audit_log WHERE chain = 'chat:${chatId}' AND "chainSeq" = 4`,
    );
    const result = await verifyAudit((await openOne()).audit);
    if (result.ok) throw new Error('the cut log verified');
    expect(result.broken).toMatchObject({
      kind: 'head',
      chain: `chat:${chatId}`,
      headSeq: 4,
      lastSeq: 3,
    });
  });

  /** Verifies the intact log and keeps its chain ends, as an operator's last run would. */
  async function checkpointNow(store: Store): Promise<Checkpoint> {
    const result = await verifyAudit(store.audit);
    if (!result.ok) throw new Error('the log was intact');
    return checkpointOf(result.heads, new Date());
  }

  it('a checkpoint notices a chain cut short together with its recorded end', async () => {
    db = await target.create();
    const store = await openOne();
    const chatId = await oneChatsLife(store);
    const checkpoint = await checkpointNow(store);
    const third = (await store.audit.list({ chatId, action: 'chat.transferred', limit: 1 }))
      .entries[0];
    if (!third) throw new Error('the transfer was recorded above');
    await closeAll();
    await rawSql(
      db.config,
      `DELETE FROM audit_log WHERE chain = 'chat:${chatId}' AND "chainSeq" = 4`,
    );
    await rawSql(
      db.config,
      `UPDATE audit_chains SET seq = 3, hash = '${third.hash}' WHERE chain = 'chat:${chatId}'`,
    );
    const reopened = await openOne();
    // On their own the chains cannot tell: that is what the checkpoint is for.
    expect(await verifyAudit(reopened.audit)).toMatchObject({ ok: true });
    const result = await verifyAudit(reopened.audit, { checkpoint });
    if (result.ok) throw new Error('the cut log verified against the checkpoint');
    expect(result.broken).toEqual({
      kind: 'checkpoint',
      chain: `chat:${chatId}`,
      seq: 4,
      found: 'missing',
    });
  });

  it('a checkpoint notices a chain rewritten consistently with the key, and a chain removed whole', async () => {
    db = await target.create();
    const store = await openOne();
    const chatId = await oneChatsLife(store);
    const other = await oneChatsLife(store);
    const checkpoint = await checkpointNow(store);
    const closed = (await store.audit.list({ chatId, action: 'chat.closed', limit: 1 })).entries[0];
    if (!closed) throw new Error('the close was recorded above');
    const key = await store.audit.key();
    const forged = { ...closed, details: { reason: 'never happened' } };
    const { hash: _old, ...unhashed } = forged;
    const hash = entryHash(key, unhashed);
    await closeAll();
    await rawSql(
      db.config,
      `UPDATE audit_log SET details = '{"reason":"never happened"}', hash = '${hash}' WHERE id = '${closed.id}'`,
    );
    await rawSql(
      db.config,
      `UPDATE audit_chains SET hash = '${hash}' WHERE chain = 'chat:${chatId}'`,
    );
    const reopened = await openOne();
    expect(await verifyAudit(reopened.audit)).toMatchObject({ ok: true });
    expect(await verifyAudit(reopened.audit, { checkpoint })).toMatchObject({
      ok: false,
      broken: { kind: 'checkpoint', chain: `chat:${chatId}`, seq: 4, found: 'changed' },
    });

    await closeAll();
    await rawSql(db.config, `DELETE FROM audit_log WHERE chain = 'chat:${other}'`);
    await rawSql(db.config, `DELETE FROM audit_chains WHERE chain = 'chat:${other}'`);
    const again = await openOne();
    const rest = { ...checkpoint, heads: { ...checkpoint.heads } };
    delete rest.heads[`chat:${chatId}`];
    expect(await verifyAudit(again.audit, { checkpoint: rest })).toMatchObject({
      ok: false,
      broken: { kind: 'checkpoint', chain: `chat:${other}`, seq: 4, found: 'missing' },
    });
  });
});
