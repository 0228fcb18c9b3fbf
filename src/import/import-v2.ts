/**
 * The v2 import, start to end: chats (written in batches), messages (staged in batches), then
 * the staged messages appended with their seq and each touched chat recomputed. Returns the
 * counts; rejects and changes go to the Report (and its file, when asked).
 */
import { basename } from 'node:path';
import type { DatabaseConfig } from '../config.js';
import { retentionCutoff } from '../privacy/rules.js';
import { closeTimesOfClosedChats } from '../store/reports.js';
import { indexPendingMessages } from '../store/search.js';
import { reindexDecomposedNames } from '../store/search-composition.js';
import { TUNABLES } from '../tunables.js';
import { appendStaged, dropAlreadyStored } from './append-staged.js';
import { checkExport } from './check-export.js';
import { ErasedUsers } from './erased-users.js';
import { KnownChats } from './known-chats.js';
import type { RowOf } from './map-export.js';
import { type Mapping, startMapping } from './mapped-batches.js';
import { OneOpenChatPerUser } from './one-open-chat.js';
import { type ImportDatabase, openImportDatabase } from './open-database.js';
import { type ExportFile, openExport } from './open-export.js';
import { type Progress, silentProgress } from './progress.js';
import { type Collection, type Position, type ReasonCount, Report } from './report.js';
import { createStagingTable, MessageStager } from './stage-messages.js';
import { ChatWriter } from './write-chats.js';

export interface ImportOptions {
  database: DatabaseConfig;
  chatsFile: string;
  messagesFile: string;
  /** Where to write every reject and change as JSON lines; none when undefined. */
  rejectsFile?: string | undefined;
  /**
   * RETENTION_DAYS of the server the data is for: chats closed longer ago are left out, as
   * its next retention run would delete them. Undefined: every chat is imported.
   */
  retentionDays?: number | undefined;
  progress?: Progress;
}

export interface ImportSummary {
  chats: {
    imported: number;
    /** Already stored. */
    skipped: number;
    rejected: number;
    importedClosed: number;
    /** Left out: closed before the retention cutoff. */
    pastRetention: number;
  };
  messages: { imported: number; skipped: number; rejected: number; pastRetention: number };
  reasons: ReasonCount[];
  seconds: number;
  /** Messages imported per second of the whole run. */
  messagesPerSecond: number;
}

interface ExportReading<C extends Collection> {
  file: ExportFile;
  mapping: Mapping<C>;
  collection: C;
  /** Takes a mapped row (it may still reject it, e.g. as a duplicate). */
  take: (row: RowOf<C>, position: Position) => Promise<void>;
  /** Told the _id of each document rejected while mapping, when it could be read. */
  onRejectedId?: (id: string) => void;
}

/**
 * Reads one export file, mapped in a worker (mapped-batches.ts), and hands rows on
 * (reporting what was taken changed) or reports them rejected, in the file's order.
 */
async function readExport<C extends Collection>(
  { file, mapping, collection, take, onRejectedId }: ExportReading<C>,
  report: Report,
  progress: Progress,
): Promise<void> {
  const name = basename(file.path);
  let rows = 0;
  progress.start(collection, file.size);
  for await (const { items, bytes } of mapping.batches()) {
    for (const { mapped, position } of items) {
      if (mapped.ok) {
        for (const change of mapped.changes) {
          await report.add({ outcome: 'changed', collection, file: name, ...change });
        }
        await take(mapped.row, position);
      } else {
        if (mapped.rejection.id !== null) onRejectedId?.(mapped.rejection.id);
        await report.add({ outcome: 'rejected', collection, file: name, ...mapped.rejection });
      }
    }
    rows += items.length;
    progress.update(bytes, rows);
  }
  progress.stop();
}

interface ExportFiles {
  chats: ExportFile;
  messages: ExportFile;
}

/** Both files opened (and checked to be regular files) before anything is imported. */
async function openExports(options: ImportOptions): Promise<ExportFiles> {
  const chats = await openExport(options.chatsFile);
  try {
    return { chats, messages: await openExport(options.messagesFile) };
  } catch (err) {
    await chats.handle.close();
    throw err;
  }
}

async function run(
  target: ImportDatabase,
  files: ExportFiles,
  messagesMapping: Mapping<'messages'>,
  report: Report,
  progress: Progress,
  cutoff: string | undefined,
): Promise<Omit<ImportSummary, 'seconds' | 'messagesPerSecond'>> {
  const { db } = target;
  await target.claim();
  const { known, openByUser } = await KnownChats.load(db);

  const chats = new ChatWriter(
    db,
    known,
    await ErasedUsers.load(db, target.kind),
    new OneOpenChatPerUser(openByUser),
    report,
    basename(files.chats.path),
    cutoff,
  );
  await readExport(
    {
      file: files.chats,
      mapping: startMapping(files.chats, 'chats'),
      collection: 'chats',
      take: (row, position) => chats.add(row, position),
      onRejectedId: (id) => known.addRejected(id),
    },
    report,
    progress,
  );
  await chats.flush();

  await createStagingTable(target);
  const messages = new MessageStager(target, known, report, basename(files.messages.path));
  await readExport(
    {
      file: files.messages,
      mapping: messagesMapping,
      collection: 'messages',
      take: (row) => messages.add(row),
    },
    report,
    progress,
  );
  await messages.flush();
  await messages.rejectDuplicates();
  await messages.rejectTakenIds();

  const skippedMessages = await dropAlreadyStored(db);
  const imported = await appendStaged(target, (done, total) => {
    if (done === 0) progress.start('appending', total);
    progress.update(done, done);
  });
  progress.stop();
  // v2 kept no close time: a closed chat's last change stands for it (as migration 0020 did).
  await closeTimesOfClosedChats(db);

  return {
    chats: {
      ...chats.counts,
      rejected: report.count('chats', 'rejected'),
      importedClosed: report.count('chats', 'changed', 'second-open-chat'),
      pastRetention: report.count('chats', 'skipped', 'past-retention'),
    },
    messages: {
      imported,
      skipped: skippedMessages,
      rejected: report.count('messages', 'rejected'),
      pastRetention: report.count('messages', 'skipped', 'past-retention'),
    },
    reasons: report.byReason(),
  };
}

export async function importV2(options: ImportOptions): Promise<ImportSummary> {
  const startedAt = performance.now();
  const files = await openExports(options);
  // Mapped from the start: the worker reads the messages while the chats are written.
  const messagesMapping = startMapping(files.messages, 'messages');
  try {
    const progress = options.progress ?? silentProgress;
    const report = await Report.open(options.rejectsFile);
    try {
      const target = await openImportDatabase(options.database, { claimFirst: true });
      try {
        // Once no server can be running beside it, before anything is written: a file the
        // import cannot read to its end is refused whole.
        await checkExport(files.chats, progress);
        await checkExport(files.messages, progress);
        // Fixed once, so that every chat of the run is judged by the same cutoff.
        const cutoff =
          options.retentionDays === undefined
            ? undefined
            : retentionCutoff(Date.now(), options.retentionDays);
        const counts = await run(target, files, messagesMapping, report, progress, cutoff);
        // What was written is searchable when the import ends (SQLite indexes after the
        // insert: store/search.ts; PostgreSQL's trigger already did), names typed
        // decomposed too (SQLite's trigger indexed them as stored: store/search-composition.ts).
        const batch = TUNABLES.importSearchIndexBatch.value;
        while ((await indexPendingMessages(target.db, target.kind, batch)) >= batch);
        if (target.kind === 'sqlite') await reindexDecomposedNames(target.db);
        await target.settle();
        const seconds = (performance.now() - startedAt) / 1000;
        const imported = counts.messages.imported;
        return { ...counts, seconds, messagesPerSecond: seconds > 0 ? imported / seconds : 0 };
      } finally {
        await target.close();
      }
    } finally {
      await report.close();
    }
  } finally {
    await messagesMapping.close();
    await files.chats.handle.close();
    await files.messages.handle.close();
  }
}
