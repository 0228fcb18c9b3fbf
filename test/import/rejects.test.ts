/**
 * Rows the import cannot take are reported with a reason (and counted), the one-open-chat
 * rule closes older open chats, and a re-run appends new messages after the stored ones.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importV2 } from '../../src/import/import-v2.js';
import { openImportDatabase } from '../../src/import/open-database.js';
import type { ReportEntry } from '../../src/import/report.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const oid = (n: number) => `65a000000000000000000${n.toString().padStart(3, '0')}`;
const at = (minute: number) => ({ $date: new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString() });
const A = oid(1);
const B = oid(2);
const C = oid(3);
const D = oid(4);
const REJECTED_CHAT = oid(5);

const chat = (id: string, userId: string, minute: number, extra: object = {}) =>
  JSON.stringify({
    _id: { $oid: id },
    userId,
    userName: 'U',
    status: 'waiting',
    createdAt: at(minute),
    ...extra,
  });

/** Line by line: each row's line number is its index + 1. */
const CHAT_LINES = [
  chat(A, 'u1', 10),
  '{"_id": {"$oid": "65a000000000000000000099"}, "userId": ',
  chat(REJECTED_CHAT, 'u3', 10, { status: 'open' }),
  chat(B, 'u1', 20), // newer open chat of u1: A is closed
  chat(C, 'u1', 5), // older than B: imported closed
  chat(A, 'u1', 10), // the same _id again
  chat(oid(6), 'x'.repeat(101), 1),
  chat(oid(7), 'u4', 1, { userName: 'nul\u0000' }),
  chat(D, 'u2', 1, { status: 'active', assignedAdminId: 'admin-1', assignedAdminName: 'Ada' }),
  JSON.stringify({ userId: 'u5', status: 'waiting' }),
];

let messageCounter = 100;
const message = (chatId: string, minute: number) =>
  JSON.stringify({
    _id: { $oid: oid(messageCounter++) },
    chatId: { $oid: chatId },
    senderId: 'u1',
    senderType: 'user',
    senderName: 'U',
    content: `at ${minute}`,
    messageType: 'text',
    isRead: false,
    createdAt: at(minute),
  });

const MESSAGE_ELEMENTS = [
  message(A, 13),
  message(A, 11),
  message(A, 12),
  message(B, 21),
  message(REJECTED_CHAT, 11),
  message(oid(98), 11),
  JSON.stringify({
    _id: 'm-bad-sender',
    chatId: A,
    senderId: 's',
    senderType: 'bot',
    createdAt: at(1),
  }),
  JSON.stringify({
    _id: 'm-bad-type',
    chatId: A,
    senderId: 's',
    senderType: 'user',
    messageType: 'video',
    createdAt: at(1),
  }),
  JSON.stringify({
    _id: 'm-surrogate',
    chatId: A,
    senderId: 's',
    senderType: 'user',
    content: '\ud800',
    createdAt: at(1),
  }),
  JSON.stringify({
    _id: { $oid: oid(100) },
    chatId: A,
    senderId: 's',
    senderType: 'user',
    createdAt: at(1),
  }),
  '{"_id": "m-broken", }',
  message(D, 2),
];

describe.each(await storeTargets())('v2 import rules and rejects on $name', (target) => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await target.create();
    dir = mkdtempSync(join(tmpdir(), 'import-rejects-'));
    writeFileSync(join(dir, 'chats.json'), `${CHAT_LINES.join('\n')}\n`);
    // A pretty JSON array: one element per line, from line 2.
    writeFileSync(join(dir, 'messages.json'), `[\n${MESSAGE_ELEMENTS.join(',\n')}\n]\n`);
  });

  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports every row it cannot take, with its line and a count per reason', async () => {
    const rejectsFile = join(dir, 'rejects.jsonl');
    const summary = await importV2({
      database: db.config,
      chatsFile: join(dir, 'chats.json'),
      messagesFile: join(dir, 'messages.json'),
      rejectsFile,
    });
    expect(summary.chats).toEqual({
      imported: 4,
      skipped: 0,
      rejected: 6,
      importedClosed: 2,
      pastRetention: 0,
    });
    expect(summary.messages).toEqual({ imported: 5, skipped: 0, rejected: 7, pastRetention: 0 });
    const counts = Object.fromEntries(
      summary.reasons.map((r) => [`${r.collection} ${r.outcome} ${r.reason}`, r.count]),
    );
    expect(counts).toEqual({
      'chats rejected invalid-json': 1,
      'chats rejected invalid-status': 1,
      'chats changed second-open-chat': 2,
      'chats rejected duplicate-id': 1,
      'chats rejected id-too-long': 1,
      'chats rejected invalid-text': 1,
      'chats rejected missing-field': 1,
      'messages rejected chat-rejected': 1,
      'messages rejected chat-missing': 1,
      'messages rejected invalid-sender-type': 1,
      'messages rejected invalid-message-type': 1,
      'messages rejected invalid-text': 1,
      'messages rejected duplicate-id': 1,
      'messages rejected invalid-json': 1,
    });

    const entries = readFileSync(rejectsFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ReportEntry);
    expect(entries).toHaveLength(6 + 2 + 7);
    const where = (e: ReportEntry) => `${e.file}:${e.line} ${e.reason}`;
    expect(entries.map(where).sort()).toEqual(
      [
        'chats.json:2 invalid-json',
        'chats.json:3 invalid-status',
        'chats.json:1 second-open-chat',
        'chats.json:5 second-open-chat',
        'chats.json:6 duplicate-id',
        'chats.json:7 id-too-long',
        'chats.json:8 invalid-text',
        'chats.json:10 missing-field',
        'messages.json:6 chat-rejected',
        'messages.json:7 chat-missing',
        'messages.json:8 invalid-sender-type',
        'messages.json:9 invalid-message-type',
        'messages.json:10 invalid-text',
        'messages.json:11 duplicate-id',
        'messages.json:12 invalid-json',
      ].sort(),
    );
    // Found after loading, it still names the copy's line and place in the file.
    expect(
      entries.find((e) => e.reason === 'duplicate-id' && e.collection === 'messages'),
    ).toMatchObject({ id: oid(100), line: 11, document: 10 });
    expect(
      entries.find((e) => e.reason === 'invalid-text' && e.collection === 'chats'),
    ).toMatchObject({
      id: oid(7),
      detail: 'userName: contains a NUL character',
    });
  });

  it('keeps the newest open chat of a user open and imports the others closed', async () => {
    const { db: kysely, close } = await openImportDatabase(db.config);
    try {
      const rows = await kysely
        .selectFrom('chats')
        .select(['id', 'status', 'lastSeq', 'unreadCount', 'lastMessage'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { id: A, status: 'closed', lastSeq: 3, unreadCount: 3, lastMessage: 'at 13' },
        { id: B, status: 'waiting', lastSeq: 1, unreadCount: 1, lastMessage: 'at 21' },
        { id: C, status: 'closed', lastSeq: 0, unreadCount: 0, lastMessage: '' },
        { id: D, status: 'active', lastSeq: 1, unreadCount: 1, lastMessage: 'at 2' },
      ]);
    } finally {
      await close();
    }
  });

  it('a re-run skips what is stored and appends new messages after the stored ones', async () => {
    messageCounter = 100;
    const again = [message(A, 13), message(A, 11), message(A, 12)];
    messageCounter = 200;
    // One later and one earlier than the stored messages: both go after them, by createdAt.
    const more = [message(A, 30), message(A, 1)];
    writeFileSync(join(dir, 'messages-2.json'), `${[...again, ...more].join('\n')}\n`);
    const summary = await importV2({
      database: db.config,
      chatsFile: join(dir, 'chats.json'),
      messagesFile: join(dir, 'messages-2.json'),
    });
    // The duplicate chat row is now simply stored: skipped, not a duplicate.
    expect(summary.chats).toEqual({
      imported: 0,
      skipped: 5,
      rejected: 5,
      importedClosed: 0,
      pastRetention: 0,
    });
    expect(summary.messages).toEqual({ imported: 2, skipped: 3, rejected: 0, pastRetention: 0 });

    const { db: kysely, close } = await openImportDatabase(db.config);
    try {
      const history = await kysely
        .selectFrom('messages')
        .select(['seq', 'content'])
        .where('chatId', '=', A)
        .orderBy('seq')
        .execute();
      expect(history).toEqual([
        { seq: 1, content: 'at 11' },
        { seq: 2, content: 'at 12' },
        { seq: 3, content: 'at 13' },
        { seq: 4, content: 'at 1' },
        { seq: 5, content: 'at 30' },
      ]);
      const chatA = await kysely
        .selectFrom('chats')
        .select(['lastSeq', 'unreadCount', 'lastMessage'])
        .where('id', '=', A)
        .executeTakeFirstOrThrow();
      expect(chatA).toEqual({ lastSeq: 5, unreadCount: 5, lastMessage: 'at 30' });
    } finally {
      await close();
    }
  });
});
