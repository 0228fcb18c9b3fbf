/**
 * What the import holds to limits: a document over MAX_DOCUMENT_BYTES is rejected with its
 * place and the import reads on (JSON lines and JSON array alike); names over the live limit
 * are cut and reported; a chat's preview of a long last message is the server's own.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importV2 } from '../../src/import/import-v2.js';
import { openImportDatabase } from '../../src/import/open-database.js';
import { MAX_DOCUMENT_BYTES } from '../../src/import/read-records.js';
import type { ReportEntry } from '../../src/import/report.js';
import { LIMITS } from '../../src/schemas/shapes.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const oid = (n: number) => `65a000000000000000000${n.toString().padStart(3, '0')}`;
const at = (minute: number) => ({ $date: new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString() });
const A = oid(1);
const B = oid(2);
const C = oid(3);
const TOO_LARGE = 'x'.repeat(MAX_DOCUMENT_BYTES);

const chat = (id: string, userId: string, extra: object = {}) =>
  JSON.stringify({ _id: { $oid: id }, userId, userName: 'U', createdAt: at(0), ...extra });

const CHAT_LINES = [
  chat(A, 'u1', { userName: 'é'.repeat(300), assignedAdminName: '😀'.repeat(150) }),
  chat(oid(9), 'u9', { userName: TOO_LARGE }),
  chat(B, 'u2'),
  chat(C, 'u3'),
];

const message = (n: number, chatId: string, minute: number, extra: object = {}) =>
  JSON.stringify({
    _id: { $oid: oid(100 + n) },
    chatId: { $oid: chatId },
    senderId: 's',
    senderType: 'user',
    senderName: 'S',
    content: `at ${minute}`,
    createdAt: at(minute),
    ...extra,
  });

/** Past the 1000 characters read of a last message: only the whole tells blank from not. */
const LONG_BLANK = ' '.repeat(1500);

/** A pretty JSON array: element i is on line i + 2. */
const MESSAGE_ELEMENTS = [
  message(1, A, 1, { senderName: 'S'.repeat(LIMITS.nameChars + 1) }),
  message(2, A, 2, { content: TOO_LARGE }),
  message(3, B, 1, { content: `${LONG_BLANK}x` }),
  message(4, C, 1, {
    content: LONG_BLANK,
    messageType: 'image',
    fileUrl: 'https://files.example/1.png',
  }),
];

describe.each(await storeTargets())('v2 import limits on $name', (target) => {
  let db: TestDatabase;
  let dir: string;
  let entries: ReportEntry[];

  beforeAll(async () => {
    db = await target.create();
    dir = mkdtempSync(join(tmpdir(), 'import-limits-'));
    writeFileSync(join(dir, 'chats.json'), `${CHAT_LINES.join('\n')}\n`);
    writeFileSync(join(dir, 'messages.json'), `[\n${MESSAGE_ELEMENTS.join(',\n')}\n]\n`);
  });

  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a document over the size limit with its line and byte offset, and reads on', async () => {
    const rejectsFile = join(dir, 'rejects.jsonl');
    const summary = await importV2({
      database: db.config,
      chatsFile: join(dir, 'chats.json'),
      messagesFile: join(dir, 'messages.json'),
      rejectsFile,
    });
    expect(summary.chats).toEqual({
      imported: 3,
      skipped: 0,
      rejected: 1,
      importedClosed: 0,
      pastRetention: 0,
    });
    expect(summary.messages).toEqual({ imported: 3, skipped: 0, rejected: 1, pastRetention: 0 });
    entries = readFileSync(rejectsFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ReportEntry);
    const tooLarge = entries.filter((e) => e.reason === 'document-too-large');
    const chatOffset = Buffer.byteLength(`${CHAT_LINES[0]}\n`);
    const messageOffset = Buffer.byteLength(`[\n${MESSAGE_ELEMENTS[0]},\n`);
    expect(tooLarge).toEqual([
      {
        outcome: 'rejected',
        collection: 'chats',
        file: 'chats.json',
        line: 2,
        document: 2,
        id: null,
        reason: 'document-too-large',
        detail: `the document at byte offset ${chatOffset} is ${Buffer.byteLength(CHAT_LINES[1] ?? '').toLocaleString('en-US')} bytes, over the 1,048,576 bytes a document may have; it was not read`,
      },
      expect.objectContaining({
        collection: 'messages',
        line: 3,
        document: 2,
        detail: expect.stringContaining(`at byte offset ${messageOffset} is`),
      }),
    ]);
  });

  it('cuts names over the live limit, reporting each as changed with its place', async () => {
    const cut = entries.filter((e) => e.reason === 'name-too-long');
    expect(cut).toEqual([
      {
        outcome: 'changed',
        collection: 'chats',
        file: 'chats.json',
        line: 1,
        document: 1,
        id: A,
        reason: 'name-too-long',
        detail: 'userName: cut from 300 to 200 characters',
      },
      expect.objectContaining({
        line: 1,
        detail: 'assignedAdminName: cut from 300 to 200 characters',
      }),
      expect.objectContaining({
        collection: 'messages',
        line: 2,
        id: oid(101),
        detail: 'senderName: cut from 201 to 200 characters',
      }),
    ]);
    const { db: kysely, close } = await openImportDatabase(db.config);
    try {
      const chatA = await kysely
        .selectFrom('chats')
        .select(['userName', 'assignedAdminName'])
        .where('id', '=', A)
        .executeTakeFirstOrThrow();
      expect(chatA).toEqual({
        userName: 'é'.repeat(LIMITS.nameChars),
        assignedAdminName: '😀'.repeat(LIMITS.nameChars / 2),
      });
      const sent = await kysely
        .selectFrom('messages')
        .select('senderName')
        .where('chatId', '=', A)
        .executeTakeFirstOrThrow();
      expect(sent.senderName).toBe('S'.repeat(LIMITS.nameChars));
    } finally {
      await close();
    }
  });

  it("previews a long last message by the server's rule, read whole only when it must be", async () => {
    const { db: kysely, close } = await openImportDatabase(db.config);
    try {
      const previews = await kysely
        .selectFrom('chats')
        .select(['id', 'lastMessage'])
        .orderBy('id')
        .execute();
      expect(previews).toEqual([
        { id: A, lastMessage: 'at 1' },
        { id: B, lastMessage: ' '.repeat(LIMITS.lastMessagePreviewChars) },
        { id: C, lastMessage: '[image]' },
      ]);
    } finally {
      await close();
    }
  });
});
