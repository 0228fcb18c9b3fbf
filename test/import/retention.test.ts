/**
 * With RETENTION_DAYS, the v2 import leaves out the chats it would store closed before the
 * cutoff (closed in the export, or closed by it as a user's second open chat), dated by
 * their last change as retention dates them, with their messages: each reported skipped as
 * `past-retention` and counted, never rejected. A re-run leaves them out again; without
 * RETENTION_DAYS they are imported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImportDatabase } from '../../src/import/open-database.js';
import { summaryLines } from '../../src/import/summary.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { importLines } from './export-files.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const LONG_AGO = { $date: '2020-03-01T10:00:00.000Z' };
const daysAgo = (days: number) => ({ $date: new Date(Date.now() - days * DAY_MS).toISOString() });

const chat = (id: string, userId: string, status: string, at: { $date: string }) =>
  JSON.stringify({
    _id: id,
    userId,
    userName: `Name of ${userId}`,
    status,
    createdAt: at,
    updatedAt: at,
  });
const message = (id: string, chatId: string, userId: string, at: { $date: string }) =>
  JSON.stringify({
    _id: id,
    chatId,
    senderId: userId,
    senderType: 'user',
    content: `text ${id}`,
    createdAt: at,
  });

const CHATS = [
  chat('old-closed', 'ann', 'closed', LONG_AGO),
  chat('recent-closed', 'ben', 'closed', daysAgo(1)),
  chat('old-open', 'cid', 'waiting', LONG_AGO),
  // Dan's newer open chat comes first: the older one is closed by the import, long ago.
  chat('dan-new', 'dan', 'waiting', daysAgo(2)),
  chat('dan-old', 'dan', 'waiting', LONG_AGO),
];
const MESSAGES = [
  message('a1', 'old-closed', 'ann', LONG_AGO),
  message('a2', 'old-closed', 'ann', LONG_AGO),
  message('b1', 'recent-closed', 'ben', daysAgo(1)),
  message('c1', 'old-open', 'cid', LONG_AGO),
  message('d1', 'dan-new', 'dan', daysAgo(2)),
  message('d2', 'dan-old', 'dan', LONG_AGO),
];

describe.each(await storeTargets())('v2 import with RETENTION_DAYS on $name', (target) => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await target.create();
    dir = mkdtempSync(join(tmpdir(), 'import-retention-'));
  });
  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const stored = async () => {
    const { db: kysely, close } = await openImportDatabase(db.config);
    try {
      const chats = await kysely.selectFrom('chats').select('id').orderBy('id').execute();
      const messages = await kysely.selectFrom('messages').select('id').orderBy('id').execute();
      return { chats: chats.map((c) => c.id), messages: messages.map((m) => m.id) };
    } finally {
      await close();
    }
  };

  it('leaves out chats closed before the cutoff with their messages, reported and counted as skipped', async () => {
    const summary = await importLines(db.config, dir, 'first', CHATS, MESSAGES, {
      retentionDays: 30,
    });
    expect(summary.chats).toEqual({
      imported: 3,
      skipped: 0,
      rejected: 0,
      importedClosed: 0,
      pastRetention: 2,
    });
    expect(summary.messages).toEqual({ imported: 3, skipped: 0, rejected: 0, pastRetention: 3 });
    const reasons = Object.fromEntries(
      summary.reasons.map((r) => [`${r.collection} ${r.outcome} ${r.reason}`, r.count]),
    );
    expect(reasons).toEqual({
      'chats skipped past-retention': 2,
      'messages skipped past-retention': 3,
    });
    const chatEntry = summary.reasons.find((r) => r.collection === 'chats')?.examples[0];
    expect(chatEntry).toMatchObject({ id: 'old-closed', line: 1, file: 'first-chats.json' });
    expect(chatEntry?.detail).toMatch(
      /^closed 2020-03-01T10:00:00\.000Z, before the retention cutoff/,
    );
    expect(summaryLines(summary, 'SQLite x')[1]).toContain(
      '2 left out (closed before the RETENTION_DAYS cutoff)',
    );
    expect(await stored()).toEqual({
      chats: ['dan-new', 'old-open', 'recent-closed'],
      messages: ['b1', 'c1', 'd1'],
    });
  });

  it('a re-run leaves them out again', async () => {
    const summary = await importLines(db.config, dir, 'again', CHATS, MESSAGES, {
      retentionDays: 30,
    });
    expect(summary.chats).toMatchObject({ imported: 0, skipped: 3, rejected: 0, pastRetention: 2 });
    expect(summary.messages).toMatchObject({ imported: 0, skipped: 3, pastRetention: 3 });
    expect((await stored()).chats).toEqual(['dan-new', 'old-open', 'recent-closed']);
  });

  it('without RETENTION_DAYS every chat is imported', async () => {
    const summary = await importLines(db.config, dir, 'unbounded', CHATS, MESSAGES);
    expect(summary.chats).toMatchObject({ imported: 2, skipped: 3, pastRetention: 0 });
    expect(await stored()).toEqual({
      chats: ['dan-new', 'dan-old', 'old-closed', 'old-open', 'recent-closed'],
      messages: ['a1', 'a2', 'b1', 'c1', 'd1', 'd2'],
    });
  });
});

describe.each(await storeTargets())(
  'v2 import with RETENTION_DAYS, export in creation order, on $name',
  (target) => {
    let db: TestDatabase;
    let dir: string;

    beforeAll(async () => {
      db = await target.create();
      dir = mkdtempSync(join(tmpdir(), 'import-retention-order-'));
    });
    afterAll(async () => {
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('an older open chat closed by a newer one later in the same batch is left out, with its messages', async () => {
      const summary = await importLines(
        db.config,
        dir,
        'ordered',
        [
          chat('eve-old', 'eve', 'waiting', LONG_AGO),
          chat('eve-new', 'eve', 'waiting', daysAgo(2)),
        ],
        [message('e1', 'eve-old', 'eve', LONG_AGO), message('e2', 'eve-new', 'eve', daysAgo(2))],
        { retentionDays: 30 },
      );
      expect(summary.chats).toEqual({
        imported: 1,
        skipped: 0,
        rejected: 0,
        importedClosed: 0,
        pastRetention: 1,
      });
      expect(summary.messages).toMatchObject({ imported: 1, pastRetention: 1 });
      const entry = summary.reasons.find((r) => r.collection === 'chats')?.examples[0];
      expect(entry).toMatchObject({
        id: 'eve-old',
        line: 1,
        outcome: 'skipped',
        reason: 'past-retention',
      });
      const { db: kysely, close } = await openImportDatabase(db.config);
      try {
        const chats = await kysely.selectFrom('chats').select(['id', 'status']).execute();
        expect(chats).toEqual([{ id: 'eve-new', status: 'waiting' }]);
      } finally {
        await close();
      }
    });
  },
);
