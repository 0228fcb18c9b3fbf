/**
 * Attachments' store operations: their records, the chunks the database BlobStore keeps
 * their bytes in, and the lease one node holds while it sweeps unused uploads. Marking an
 * attachment used is not here: it happens inside the append that stores its message
 * (sqlite-append.ts, postgres-append.ts), so that one attachment can never end up in two
 * messages. Every statement runs through the store's availability guard (a 503 when the
 * database cannot answer). Chunks are one statement each; given a ChunkFile (SQLite's blob
 * file, sqlite-blobs.ts) they live there instead, and the chunks of files stored in the
 * database's own table before it existed are still read, swept and deleted there.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { type AuditDraft, pseudonym } from '../audit/chain.js';
import type { Role } from '../schemas/vocabulary.js';
import { appendAudit } from './audit-log.js';
import { refuseUploadOfErased } from './privacy.js';
import type { AttachmentsTable, Database } from './schema.js';
import type { FirstChunk } from './sqlite-blobs-thread.js';

export type AttachmentRecord = Selectable<AttachmentsTable>;

/** An insert the quota refused: what the uploader's attachments already hold. */
export interface QuotaRefusal {
  heldBytes: number;
}

/**
 * PostgreSQL's advisory locks taken with two keys: this one first, the uploader's hashed
 * id second (the import's lock takes one key: the two never meet).
 */
const QUOTA_LOCK_CLASS = 0x71756f74;

/**
 * Who records an upload, and the desk chain's position when it was admitted (before its
 * file was read): an erasure of the uploader recorded after it refuses the record.
 */
export interface UploaderStanding {
  role: Role;
  deskSeqAtAdmission: number;
}

export interface AttachmentRecords {
  insert(record: AttachmentRecord): Promise<void>;
  /**
   * Inserts the record if `fits` says the bytes the uploader's attachments hold leave room
   * for it; otherwise inserts nothing and answers what they hold. Read and decided in the
   * insert's transaction, one insert of an uploader at a time, so uploads through different
   * nodes cannot pass the quota together. A user's upload is refused (ERASURE_IN_PROGRESS),
   * nothing inserted, while an erasure holds them or when one ended after the upload was
   * admitted: decided in the same transaction (privacy.ts, the hold).
   */
  insertIfRoom(
    record: AttachmentRecord,
    fits: (heldBytes: number) => boolean,
    uploader: UploaderStanding,
  ): Promise<QuotaRefusal | undefined>;
  get(id: string): Promise<AttachmentRecord | undefined>;
  /** The attachments the given messages used (a message uses one at most). */
  usedBy(messageIds: readonly string[]): Promise<AttachmentRecord[]>;
  /** Bytes the uploader's attachments hold (files and thumbnails), for the quota. */
  bytesHeldBy(uploaderId: string): Promise<number>;
  /** Up to `max` attachments no message used, uploaded before `before` (oldest first). */
  unusedBefore(before: string, max: number): Promise<AttachmentRecord[]>;
  /**
   * Deletes the record if it is still unused and older than `before`; false when a
   * message used it meanwhile (the append's mark and this delete are decided by the database).
   */
  removeUnused(id: string, before: string): Promise<boolean>;

  /**
   * `durable: false` (every chunk of a file but its last) lets the store commit without
   * waiting for the disk, when a later durable write to the same key makes it durable too.
   */
  writeChunk(key: string, idx: number, data: Uint8Array, durable?: boolean): Promise<void>;
  /** Chunk `idx` of `key`, or undefined past the last one. */
  readChunk(key: string, idx: number): Promise<Uint8Array | undefined>;
  /**
   * The length in bytes of the first chunk of `key` (every chunk but the last is as long),
   * read without the chunk itself; undefined when the key holds nothing.
   */
  firstChunkBytes(key: string): Promise<number | undefined>;
  deleteChunks(key: string): Promise<void>;
  /**
   * Keys whose first chunk was written before `before` and that no attachment names: a
   * process that died between writing chunks and the record left them.
   */
  orphanChunkKeys(before: string, max: number): Promise<string[]>;

  /** Takes or renews the lease `name` for `holder` for `ms`; false while another holds it. */
  takeLease(name: string, holder: string, ms: number): Promise<boolean>;
  /** Gives the lease `name` up when `holder` holds it (a node stopping): free at once. */
  releaseLease(name: string, holder: string): Promise<void>;

  /**
   * Records a download in the audit log. A download changes nothing else, so the entry is
   * the transaction's only write (it still locks its chain's end, as every entry does).
   */
  recordDownload(audit: AuditDraft): Promise<void>;
}

type Guard = <T>(work: () => Promise<T>) => Promise<T>;

/** Chunks kept apart from the database (SQLite's blob file), as AttachmentRecords uses them. */
export interface ChunkFile {
  write(key: string, idx: number, data: Uint8Array, durable: boolean): Promise<void>;
  read(key: string, idx: number): Promise<Uint8Array | undefined>;
  firstBytes(key: string): Promise<number | undefined>;
  delete(key: string): Promise<void>;
  /** Up to `max` keys' first chunks written before `before`, oldest first, after `after`. */
  firstChunks(before: string, after: FirstChunk, max: number): Promise<FirstChunk[]>;
  close(): Promise<void>;
}

export function kyselyAttachmentRecords(
  db: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  guard: Guard,
  auditKey: () => Promise<string>,
  chunkFile?: ChunkFile,
  readTableChunk?: AttachmentRecords['readChunk'],
): AttachmentRecords {
  const tableChunks = databaseChunks(db, guard, kind === 'postgres', readTableChunk);
  return {
    recordDownload: (audit) =>
      guard(async () => {
        const key = await auditKey();
        await db.transaction().execute(async (trx) => {
          await appendAudit(trx, key, audit, new Date().toISOString());
        });
      }),

    insert: (record) =>
      guard(async () => {
        await db.insertInto('attachments').values(record).execute();
      }),

    insertIfRoom: (record, fits, uploader) =>
      guard(async () => {
        const sealedId =
          uploader.role === 'user' ? pseudonym(await auditKey(), record.uploaderId) : undefined;
        return db.transaction().execute(async (trx) => {
          // Under the hold's lock until the commit: an erasure holding the user afterwards
          // finds this record (it reads their uploads after its hold), one holding them
          // already, or one that ended while the file was on its way, refuses it. An admin
          // sharing the id is no one an erasure holds.
          if (sealedId !== undefined) {
            await refuseUploadOfErased(
              trx,
              kind,
              record.uploaderId,
              sealedId,
              uploader.deskSeqAtAdmission,
            );
          }
          // SQLite runs one writing transaction at a time already; PostgreSQL's
          // transactions would each sum without the other's row without the lock.
          if (kind === 'postgres') {
            await sql`SELECT pg_advisory_xact_lock(${QUOTA_LOCK_CLASS}, hashtext(${record.uploaderId}))`.execute(
              trx,
            );
          }
          const heldBytes = await bytesHeld(trx, record.uploaderId);
          if (!fits(heldBytes)) return { heldBytes };
          await trx.insertInto('attachments').values(record).execute();
          return undefined;
        });
      }),

    get: (id) =>
      guard(() => db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst()),

    usedBy: (messageIds) =>
      messageIds.length === 0
        ? Promise.resolve([])
        : guard(() =>
            db.selectFrom('attachments').selectAll().where('messageId', 'in', messageIds).execute(),
          ),

    bytesHeldBy: (uploaderId) => guard(() => bytesHeld(db, uploaderId)),

    unusedBefore: (before, max) =>
      guard(() =>
        db
          .selectFrom('attachments')
          .selectAll()
          .where('messageId', 'is', null)
          .where('createdAt', '<', before)
          .orderBy('createdAt', 'asc')
          .limit(max)
          .execute(),
      ),

    removeUnused: (id, before) =>
      guard(async () => {
        const result = await db
          .deleteFrom('attachments')
          .where('id', '=', id)
          .where('messageId', 'is', null)
          .where('createdAt', '<', before)
          .executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      }),

    ...(chunkFile ? fileChunks(chunkFile, tableChunks, db, guard) : tableChunks),

    takeLease: (name, holder, ms) =>
      guard(async () => {
        const now = new Date();
        const expiresAt = new Date(now.getTime() + ms).toISOString();
        // Insert the first time; afterwards take it only when it expired or is ours.
        await db
          .insertInto('leases')
          .values({ name, holder: '', expiresAt: new Date(0).toISOString() })
          .onConflict((oc) => oc.column('name').doNothing())
          .execute();
        const taken = await db
          .updateTable('leases')
          .set({ holder, expiresAt })
          .where('name', '=', name)
          .where((eb) =>
            eb.or([eb('expiresAt', '<', now.toISOString()), eb('holder', '=', holder)]),
          )
          .executeTakeFirst();
        return Number(taken.numUpdatedRows) === 1;
      }),

    releaseLease: (name, holder) =>
      guard(async () => {
        await db
          .updateTable('leases')
          .set({ holder: '', expiresAt: new Date(0).toISOString() })
          .where('name', '=', name)
          .where('holder', '=', holder)
          .execute();
      }),
  };
}

async function bytesHeld(db: Kysely<Database>, uploaderId: string): Promise<number> {
  const row = await db
    .selectFrom('attachments')
    .select((eb) =>
      eb.fn.sum<number | string | null>(eb('size', '+', eb.ref('thumbSize'))).as('held'),
    )
    .where('uploaderId', '=', uploaderId)
    .executeTakeFirst();
  return Number(row?.held ?? 0);
}

type Chunks = Pick<
  AttachmentRecords,
  'writeChunk' | 'readChunk' | 'firstChunkBytes' | 'deleteChunks' | 'orphanChunkKeys'
>;

/**
 * Chunks in the database's attachment_chunks table, one statement each. On PostgreSQL
 * (`relaxed`) a chunk that is not durable commits without waiting for the WAL's flush
 * (synchronous_commit off for its transaction): the file's last chunk commits durably, and
 * its flush takes the WAL up to it, the chunks before included. A file asks the disk for
 * one flush, not one a chunk (20 for 5 MB), which a disk slow to flush would make the
 * appends' commits queue behind. The setting is made by the insert itself (`set_config`
 * local to its own transaction, read at its commit): one round trip a chunk, where BEGIN,
 * SET LOCAL, the insert and COMMIT took four. `read`, given, reads a chunk instead of the
 * row's column (PostgreSQL's, as bytes: postgres-chunks.ts).
 */
function databaseChunks(
  db: Kysely<Database>,
  guard: Guard,
  relaxed: boolean,
  read?: AttachmentRecords['readChunk'],
): Chunks {
  const insert = (key: string, idx: number, data: Uint8Array) =>
    db
      .insertInto('attachment_chunks')
      .values({ key, idx, data, createdAt: new Date().toISOString() })
      .execute();
  return {
    writeChunk: (key, idx, data, durable = true) =>
      guard(async () => {
        if (durable || !relaxed) {
          await insert(key, idx, data);
          return;
        }
        await sql`WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true))
          INSERT INTO attachment_chunks (key, idx, data, "createdAt")
          SELECT ${key}, ${idx}::integer, ${data}::bytea, ${new Date().toISOString()} FROM relaxed`.execute(
          db,
        );
      }),

    readChunk: (key, idx) =>
      guard(async () => {
        if (read) return read(key, idx);
        const row = await db
          .selectFrom('attachment_chunks')
          .select('data')
          .where('key', '=', key)
          .where('idx', '=', idx)
          .executeTakeFirst();
        return row?.data;
      }),

    firstChunkBytes: (key) =>
      guard(async () => {
        const row = await db
          .selectFrom('attachment_chunks')
          .select(sql<number | string>`length(${sql.ref('data')})`.as('bytes'))
          .where('key', '=', key)
          .where('idx', '=', 0)
          .executeTakeFirst();
        return row === undefined ? undefined : Number(row.bytes);
      }),

    deleteChunks: (key) =>
      guard(async () => {
        await db.deleteFrom('attachment_chunks').where('key', '=', key).execute();
      }),

    orphanChunkKeys: (before, max) =>
      guard(async () => {
        const rows = await db
          .selectFrom('attachment_chunks as c')
          .select('c.key')
          .where('c.idx', '=', 0)
          .where('c.createdAt', '<', before)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('attachments as a')
                  .select('a.id')
                  .where((eb) =>
                    eb.or([
                      eb('a.blobKey', '=', eb.ref('c.key')),
                      eb('a.thumbKey', '=', eb.ref('c.key')),
                    ]),
                  ),
              ),
            ),
          )
          .limit(max)
          .execute();
        return rows.map((r) => r.key);
      }),
  };
}

/**
 * Keys the blob file pages to the database at a time while the sweep looks for orphans:
 * a round looks through every file old enough, so fewer, larger pages mean fewer trips to
 * the blob thread; a page is ~60 bytes a key on its way, and one statement's lookups.
 */
const ORPHAN_PAGE = 1000;

/**
 * Chunks in a ChunkFile. Keys the file does not hold are looked for in the table as long
 * as it holds any (files stored before the ChunkFile existed; nothing writes there since).
 * An orphan there is a key no record names: the file pages its first chunks to the
 * database, which says which are named, until `max` are found or the file has no more.
 */
function fileChunks(file: ChunkFile, table: Chunks, db: Kysely<Database>, guard: Guard): Chunks {
  let tableHolds: Promise<boolean> | undefined;
  const inTable = (): Promise<boolean> => {
    if (!tableHolds) {
      tableHolds = guard(async () => {
        const row = await db
          .selectFrom('attachment_chunks')
          .select('key')
          .limit(1)
          .executeTakeFirst();
        return row !== undefined;
      });
      // Unanswered (the database unavailable): asked again next time.
      tableHolds.catch(() => {
        tableHolds = undefined;
      });
    }
    return tableHolds;
  };
  // One statement of one parameter whatever the page's size (the keys as a JSON array):
  // its text is the same every time, so it is prepared once, and each key costs two index
  // lookups in SQLite. Built with Kysely, an IN list of the page's keys twice cost ~5 µs of
  // event loop per key to build, compile and run (bench/attachment-orphans.ts).
  const unnamed = (keys: string[]) =>
    guard(async () => {
      const { rows } = await sql<{ key: string }>`
        SELECT k.value AS key FROM json_each(${JSON.stringify(keys)}) AS k
        WHERE NOT EXISTS (SELECT 1 FROM attachments WHERE blobKey = k.value)
          AND NOT EXISTS (SELECT 1 FROM attachments WHERE thumbKey = k.value)`.execute(db);
      return new Set(rows.map((r) => r.key));
    });
  return {
    writeChunk: (key, idx, data, durable = true) =>
      guard(() => file.write(key, idx, data, durable)),

    readChunk: async (key, idx) =>
      (await guard(() => file.read(key, idx))) ??
      ((await inTable()) ? table.readChunk(key, idx) : undefined),

    firstChunkBytes: async (key) =>
      (await guard(() => file.firstBytes(key))) ??
      ((await inTable()) ? table.firstChunkBytes(key) : undefined),

    deleteChunks: async (key) => {
      await guard(() => file.delete(key));
      if (await inTable()) await table.deleteChunks(key);
    },

    orphanChunkKeys: async (before, max) => {
      const found = (await inTable()) ? await table.orphanChunkKeys(before, max) : [];
      let after = { createdAt: '', key: '' };
      while (found.length < max) {
        const page = await guard(() => file.firstChunks(before, after, ORPHAN_PAGE));
        const last = page.at(-1);
        if (!last) break;
        const orphans = await unnamed(page.map((c) => c.key));
        for (const { key } of page) if (orphans.has(key) && found.length < max) found.push(key);
        if (page.length < ORPHAN_PAGE) break;
        after = last;
      }
      return found;
    },
  };
}
