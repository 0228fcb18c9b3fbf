/**
 * Attachments' store operations on each store: records, the database BlobStore's chunks,
 * the sweep's lease, and the append's mark (one message per attachment, by its uploader,
 * in its chat), including inside one group-commit batch.
 */
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBlobStore } from '../../src/attachments/database-blob-store.js';
import type { Chat } from '../../src/schemas/shapes.js';
import {
  type AttachmentRecord,
  kyselyAttachmentRecords,
  type UploaderStanding,
} from '../../src/store/attachment-records.js';
import { openStore } from '../../src/store/open.js';
import type { Database } from '../../src/store/schema.js';
import type { MessageDraft, Store } from '../../src/store/store.js';
import { blobStoreContract } from '../attachments/blob-store-contract.js';
import { holdWrittenNotCommitted, untilSomeoneWaitsForALock } from '../helpers/erasure-hold.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const id = () => randomBytes(12).toString('hex');

/** Who inserts a record, admitted now. */
const asUser = (): UploaderStanding => ({ role: 'user', deskSeqAtAdmission: 0 });
const asAdmin = (): UploaderStanding => ({ role: 'admin', deskSeqAtAdmission: 0 });

const record = (uploaderId: string, over: Partial<AttachmentRecord> = {}): AttachmentRecord => {
  const aid = id();
  return {
    id: aid,
    uploaderId,
    chatId: null,
    name: 'shot.png',
    contentType: 'image/png',
    size: 1000,
    width: 10,
    height: 10,
    sha256: 'ab'.repeat(32),
    blobKey: `attachments/${aid}`,
    thumbKey: null,
    thumbContentType: null,
    thumbSize: 0,
    createdAt: new Date().toISOString(),
    messageId: null,
    ...over,
  };
};

const draft = (
  chat: Chat,
  attachmentId?: string,
  clientMessageId: string | null = null,
): MessageDraft => ({
  chatId: chat._id,
  senderId: chat.userId,
  senderRole: 'user',
  senderType: 'user',
  senderName: 'U',
  content: '',
  messageType: 'image',
  fileUrl: null,
  clientMessageId,
  effect: { lastMessage: '[image]', unreadIncrement: 1 },
  ...(attachmentId !== undefined && { attachmentId }),
});

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer | undefined> {
  if (!stream) return undefined;
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts);
}

describe.each(await storeTargets())('attachments on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  let n = 0;
  const chatOf = async () =>
    (await store.openChat({ userId: `att-${n++}-${id()}`, userName: 'U', online: false })).chat;
  /** A blob store on `chunkBytes` chunks whose chunk reads are counted, in order. */
  const countingReads = (chunkBytes: number) => {
    const read: number[] = [];
    const counted = {
      ...store.attachments,
      readChunk: (key: string, idx: number) => {
        read.push(idx);
        return store.attachments.readChunk(key, idx);
      },
    };
    return { read, blobs: databaseBlobStore(counted, chunkBytes) };
  };
  beforeAll(async () => {
    db = await target.create();
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('the BlobStore writes a file in chunks and streams it back byte for byte; delete removes it', async () => {
    const blobs = databaseBlobStore(store.attachments, 1000);
    const bytes = randomBytes(4321);
    await blobs.put('k-1', bytes, 'application/pdf');
    expect(await store.attachments.readChunk('k-1', 4)).toHaveLength(321);
    expect(await store.attachments.readChunk('k-1', 5)).toBeUndefined();
    expect((await readAll(await blobs.get('k-1')))?.equals(bytes)).toBe(true);
    await blobs.delete('k-1');
    expect(await blobs.get('k-1')).toBeUndefined();
    await blobs.delete('never-there');
  });

  it('a range reads only the chunks that hold it', async () => {
    const { read, blobs } = countingReads(1000);
    const bytes = randomBytes(10_500);
    await blobs.put('k-range', bytes, 'application/pdf');
    expect(await store.attachments.firstChunkBytes('k-range')).toBe(1000);
    expect(await store.attachments.firstChunkBytes('never-there')).toBeUndefined();
    expect(
      (await readAll(await blobs.get('k-range', { start: 4990, end: 6010 })))?.equals(
        bytes.subarray(4990, 6011),
      ),
    ).toBe(true);
    expect(read).toEqual([4, 5, 6]);
    read.length = 0;
    expect(
      (await readAll(await blobs.get('k-range', { start: 10_400, end: 10_499 })))?.equals(
        bytes.subarray(10_400),
      ),
    ).toBe(true);
    expect(read).toEqual([10]);
  });

  it('a whole file read with its size reads no chunk past its last, and one stored short ends short', async () => {
    const { read, blobs } = countingReads(1000);
    for (const [size, chunks] of [
      [0, 1],
      [999, 1],
      [1000, 1],
      [4321, 5],
      [5000, 5],
    ] as const) {
      const bytes = randomBytes(size);
      await blobs.put(`k-sized-${size}`, bytes, 'application/pdf');
      read.length = 0;
      const whole = await readAll(await blobs.get(`k-sized-${size}`, undefined, size));
      expect(whole?.equals(bytes), `${size} bytes`).toBe(true);
      expect(read, `${size} bytes`).toEqual([...Array(chunks).keys()]);
    }
    // Its record says more than the store holds: the stream ends where the chunks do.
    expect((await readAll(await blobs.get('k-sized-4321', undefined, 6000)))?.length).toBe(4321);
  });

  it('records: found by id and by the message that used them; the quota counts files and thumbnails', async () => {
    const a = record('quota-user', { size: 300, thumbSize: 20 });
    const b = record('quota-user', { size: 700 });
    await store.attachments.insert(a);
    await store.attachments.insert(b);
    expect(await store.attachments.get(a.id)).toEqual(a);
    expect(await store.attachments.bytesHeldBy('quota-user')).toBe(1020);
    expect(await store.attachments.bytesHeldBy('nobody')).toBe(0);
    expect(await store.attachments.usedBy([])).toEqual([]);
  });

  it('the quota is decided as the record is inserted: uploads through two nodes at once pass it one at a time', async () => {
    // PostgreSQL: a second store on the same database, as a second node holds. SQLite is one
    // node's file: its inserts are sent at once through the one store.
    const other = target.name === 'postgres' ? await openStore(db.config) : store;
    try {
      const uploads = Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? other : store).attachments.insertIfRoom(
          record('quota-race', { size: 300, thumbSize: 100 }),
          // Room for one: reads that overlapped would each see room (two reads run before
          // the first insert on SQLite when nothing holds them apart).
          (held) => held + 400 <= 600,
          asUser(),
        ),
      );
      const outcomes = await Promise.all(uploads);
      expect(outcomes.filter((o) => o === undefined)).toHaveLength(1);
      for (const refused of outcomes.filter((o) => o !== undefined)) {
        expect(refused?.heldBytes).toBe(400);
      }
      expect(await store.attachments.bytesHeldBy('quota-race')).toBe(400);
      // The store asks with what is held, and inserts when told there is room.
      const asked: number[] = [];
      const room = (held: number) => {
        asked.push(held);
        return true;
      };
      expect(
        await store.attachments.insertIfRoom(record('quota-race', { size: 200 }), room, asUser()),
      ).toBe(undefined);
      expect(asked).toEqual([400]);
      expect(await store.attachments.bytesHeldBy('quota-race')).toBe(600);
    } finally {
      if (other !== store) await other.close();
    }
  });

  it("a user's record is not inserted while an erasure holds them (an admin's of the same id is); once the hold ends it is", async () => {
    const userId = `held-uploader-${id()}`;
    const room = () => true;
    const holdId = await store.privacy.holdErasure(userId);
    await expect(store.privacy.refuseWhileHeld(userId)).rejects.toMatchObject({
      code: 'ERASURE_IN_PROGRESS',
    });
    await expect(
      store.attachments.insertIfRoom(record(userId), room, asUser()),
    ).rejects.toMatchObject({ code: 'ERASURE_IN_PROGRESS' });
    expect(await store.attachments.bytesHeldBy(userId)).toBe(0);
    // An admin who happens to have the id is no one the erasure holds.
    expect(await store.attachments.insertIfRoom(record(userId), room, asAdmin())).toBe(undefined);
    expect(await store.attachments.bytesHeldBy(userId)).toBe(1000);
    await store.privacy.endErasureHold(holdId);
    await store.privacy.refuseWhileHeld(userId);
    expect(await store.attachments.insertIfRoom(record(userId), room, asUser())).toBe(undefined);
    expect(await store.attachments.bytesHeldBy(userId)).toBe(2000);
  });

  it('an append with an attachment marks it used by that message, in its chat; a second use is refused', async () => {
    const chat = await chatOf();
    const a = record(chat.userId);
    await store.attachments.insert(a);
    const first = await store.appendMessage(draft(chat, a.id));
    expect(first.kind).toBe('stored');
    const message = first.kind === 'stored' ? first.message : undefined;
    const used = await store.attachments.get(a.id);
    expect(used).toMatchObject({ messageId: message?._id, chatId: chat._id });
    expect(await store.attachments.usedBy([message?._id ?? ''])).toEqual([used]);
    expect(await store.appendMessage(draft(chat, a.id))).toEqual({ kind: 'attachmentUnusable' });
    expect((await store.getChat(chat._id))?.lastMessage).toBe('[image]');
    const page = await store.historyCursor(chat._id, { direction: 'after', seq: 0, limit: 10 });
    expect(page.messages).toHaveLength(1);
  });

  it("someone else's attachment, or one uploaded to another chat, is refused and spends no seq", async () => {
    const chat = await chatOf();
    const other = await chatOf();
    const theirs = record(other.userId);
    const elsewhere = record(chat.userId, { chatId: other._id });
    await store.attachments.insert(theirs);
    await store.attachments.insert(elsewhere);
    expect(await store.appendMessage(draft(chat, theirs.id))).toEqual({
      kind: 'attachmentUnusable',
    });
    expect(await store.appendMessage(draft(chat, elsewhere.id))).toEqual({
      kind: 'attachmentUnusable',
    });
    expect(await store.appendMessage(draft(chat, id()))).toEqual({ kind: 'attachmentUnusable' });
    const next = await store.appendMessage(draft(chat));
    expect(next.kind === 'stored' && next.message.seq).toBe(1);
    expect((await store.attachments.get(theirs.id))?.messageId).toBeNull();
  });

  it('in one batch, two messages naming one attachment: the first is stored, the second refused; their neighbours are stored', async () => {
    const chat = await chatOf();
    const a = record(chat.userId);
    await store.attachments.insert(a);
    const results = await Promise.all([
      store.appendMessage(draft(chat)),
      store.appendMessage(draft(chat, a.id)),
      store.appendMessage(draft(chat, a.id)),
      store.appendMessage(draft(chat)),
    ]);
    expect(results.map((r) => r.kind)).toEqual([
      'stored',
      'stored',
      'attachmentUnusable',
      'stored',
    ]);
    expect(results.map((r) => (r.kind === 'stored' ? r.message.seq : 0))).toEqual([1, 2, 0, 3]);
  });

  it('a retry with the same clientMessageId answers the stored message, not a conflict', async () => {
    const chat = await chatOf();
    const a = record(chat.userId);
    await store.attachments.insert(a);
    const first = await store.appendMessage(draft(chat, a.id, 'k-att'));
    const again = await store.appendMessage(draft(chat, a.id, 'k-att'));
    expect(again.kind).toBe('duplicate');
    expect(again.kind === 'duplicate' && again.message._id).toBe(
      first.kind === 'stored' && first.message._id,
    );
  });

  it('a closed chat refuses the message as before, and leaves the attachment unused', async () => {
    const chat = await chatOf();
    const a = record(chat.userId);
    await store.attachments.insert(a);
    await store.closeChat(chat._id, { kind: 'person', id: chat.userId, name: 'U', role: 'user' });
    expect(await store.appendMessage(draft(chat, a.id))).toEqual({ kind: 'rejected' });
    expect((await store.attachments.get(a.id))?.messageId).toBeNull();
  });

  it('unused records are removed only while unused and old enough; orphaned chunks are found', async () => {
    const chat = await chatOf();
    const old = record(chat.userId, { createdAt: '2020-01-01T00:00:00.000Z' });
    const oldUsed = record(chat.userId, { createdAt: '2020-01-01T00:00:00.000Z' });
    const fresh = record(chat.userId);
    for (const r of [old, oldUsed, fresh]) await store.attachments.insert(r);
    expect((await store.appendMessage(draft(chat, oldUsed.id))).kind).toBe('stored');
    const cutoff = '2021-01-01T00:00:00.000Z';
    const due = await store.attachments.unusedBefore(cutoff, 100);
    expect(due.map((r) => r.id)).toContain(old.id);
    expect(due.map((r) => r.id)).not.toContain(oldUsed.id);
    expect(await store.attachments.removeUnused(fresh.id, cutoff)).toBe(false);
    expect(await store.attachments.removeUnused(oldUsed.id, cutoff)).toBe(false);
    expect(await store.attachments.removeUnused(old.id, cutoff)).toBe(true);
    expect(await store.attachments.get(old.id)).toBeUndefined();

    await store.attachments.writeChunk('orphan-key', 0, new Uint8Array([1]));
    await store.attachments.writeChunk(fresh.blobKey, 0, new Uint8Array([1]));
    const later = new Date(Date.now() + 60_000).toISOString();
    const orphans = await store.attachments.orphanChunkKeys(later, 100);
    expect(orphans).toContain('orphan-key');
    expect(orphans).not.toContain(fresh.blobKey);
  });

  it('a lease is held by one holder at a time until it expires', async () => {
    expect(await store.attachments.takeLease('test-lease', 'node-a', 60_000)).toBe(true);
    expect(await store.attachments.takeLease('test-lease', 'node-b', 60_000)).toBe(false);
    expect(await store.attachments.takeLease('test-lease', 'node-a', 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(await store.attachments.takeLease('test-lease', 'node-b', 60_000)).toBe(true);
    expect(await store.attachments.takeLease('test-lease', 'node-a', 60_000)).toBe(false);
  });

  blobStoreContract(`the database store on ${target.name}`, async () => ({
    store: databaseBlobStore(store.attachments),
    close: async () => {},
  }));
});

describe.each((await storeTargets()).filter((t) => t.name === 'postgres'))(
  'a file written in chunks on $name',
  (target) => {
    let db: TestDatabase;
    let store: Store;
    let logged: Kysely<Database>;
    const statements: string[] = [];
    beforeAll(async () => {
      db = await target.create();
      store = await openStore(db.config); // runs the migrations
      if (db.config.kind !== 'postgres') throw new Error('a PostgreSQL target');
      logged = new Kysely<Database>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: db.config.url }) }),
        log: (event) => {
          statements.push(event.query.sql);
        },
      });
    });
    afterAll(async () => {
      await logged.destroy();
      await store.close();
      await db.drop();
    });

    it('commits every chunk but the last without waiting for the WAL flush; the last waits, for all of them', async () => {
      const records = kyselyAttachmentRecords(
        logged,
        'postgres',
        (work) => work(),
        async () => 'unused',
      );
      const bytes = randomBytes(2500);
      await databaseBlobStore(records, 1000).put('k-relaxed', bytes, 'application/pdf');
      const relaxed = "set_config('synchronous_commit', 'off', true)";
      const inserts = statements.filter((s) => /insert into "?attachment_chunks"?/i.test(s));
      expect(inserts).toHaveLength(3);
      // The first two chunks' inserts set it for their own transaction; the last does not.
      expect(inserts.map((s) => (s.includes(relaxed) ? 'relaxed' : 'durable'))).toEqual([
        'relaxed',
        'relaxed',
        'durable',
      ]);
      // One statement a chunk: no transaction of its own around it.
      expect(statements.filter((s) => /^(begin|commit|set local)/i.test(s))).toEqual([]);
      expect(
        (await readAll(await databaseBlobStore(store.attachments).get('k-relaxed')))?.equals(bytes),
      ).toBe(true);
    });
  },
);

describe.each((await storeTargets()).filter((t) => t.name === 'postgres'))(
  "a user's record beside another node's erasure hold on $name",
  (target) => {
    let db: TestDatabase;
    let store: Store;
    let otherNode: pg.Client;
    beforeAll(async () => {
      db = await target.create();
      store = await openStore(db.config);
      if (db.config.kind !== 'postgres') throw new Error('a PostgreSQL target');
      otherNode = new pg.Client(db.config.url);
      await otherNode.connect();
    });
    afterAll(async () => {
      await otherNode?.end();
      await store?.close();
      await db?.drop();
    });

    it('an insert while another node writes its hold waits for that hold, then is refused', async () => {
      const userId = `held-on-another-node-${id()}`;
      // Another node's holdErasure, stopped between taking the user's lock and its commit.
      await holdWrittenNotCommitted(otherNode, userId);
      let settled = false;
      // Its outcome taken at once: the refusal must not reject with no one listening yet.
      const outcome = store.attachments
        .insertIfRoom(record(userId), () => true, asUser())
        .then(
          (refusal) => ({ stored: refusal === undefined }),
          (err: unknown) => err,
        );
      void outcome.finally(() => {
        settled = true;
      });
      // Read without the lock, the holds would have been empty and the record inserted.
      await untilSomeoneWaitsForALock(otherNode, () => settled);
      expect(settled).toBe(false);
      await otherNode.query('COMMIT');
      expect(await outcome).toMatchObject({ code: 'ERASURE_IN_PROGRESS' });
      expect(await store.attachments.bytesHeldBy(userId)).toBe(0);
    });
  },
);
