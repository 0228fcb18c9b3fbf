/**
 * The v2 import, start to end: chats (written in batches), messages (staged in batches), then
 * the staged messages appended with their seq and each touched chat recomputed. Returns the
 * counts; rejects and changes go to the Report (and its file, when asked).
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DatabaseConfig } from '../config.js';
import { appendStaged, dropAlreadyStored } from './append-staged.js';
import { KnownChats } from './known-chats.js';
import { type ChatRow, mapChat, mapMessage, type StagedMessage } from './map-v2.js';
import { OneOpenChatPerUser } from './one-open-chat.js';
import { openImportDatabase } from './open-database.js';
import { type Mapped, mapRecord } from './parse-document.js';
import { type Progress, silentProgress } from './progress.js';
import { type RawRecord, readRecords } from './read-records.js';
import { type Collection, type Position, type ReasonCount, Report } from './report.js';
import { createStagingTable, MessageStager } from './stage-messages.js';
import { ChatWriter } from './write-chats.js';

export interface ImportOptions {
  database: DatabaseConfig;
  chatsFile: string;
  messagesFile: string;
  /** Where to write every reject and change as JSON lines; none when undefined. */
  rejectsFile?: string | undefined;
  progress?: Progress;
}

export interface ImportSummary {
  chats: { imported: number; skipped: number; rejected: number; importedClosed: number };
  messages: { imported: number; skipped: number; rejected: number };
  reasons: ReasonCount[];
  seconds: number;
  /** Messages imported per second of the whole run. */
  messagesPerSecond: number;
}

interface ExportReading<T> {
  file: string;
  collection: Collection;
  map: (record: RawRecord) => Mapped<T>;
  /** Takes a mapped row (it may still reject it, e.g. as a duplicate). */
  take: (row: T, position: Position) => Promise<void>;
  /** Told the _id of each document rejected while mapping, when it could be read. */
  onRejectedId?: (id: string) => void;
}

/** Reads one export file, maps each record, and hands rows on or reports them rejected. */
async function readExport<T>(
  { file, collection, map, take, onRejectedId }: ExportReading<T>,
  report: Report,
  progress: Progress,
): Promise<void> {
  const { size } = await stat(file);
  const name = basename(file);
  let rows = 0;
  let bytes = 0;
  progress.start(collection, size);
  for await (const records of readRecords(file, (read) => (bytes = read))) {
    for (const record of records) {
      const mapped = map(record);
      if (mapped.ok) {
        await take(mapped.row, record);
      } else {
        if (mapped.rejection.id !== null) onRejectedId?.(mapped.rejection.id);
        await report.add({ outcome: 'rejected', collection, file: name, ...mapped.rejection });
      }
    }
    rows += records.length;
    progress.update(bytes, rows);
  }
  progress.stop();
}

export async function importV2(options: ImportOptions): Promise<ImportSummary> {
  const startedAt = performance.now();
  const progress = options.progress ?? silentProgress;
  const report = await Report.open(options.rejectsFile);
  const target = await openImportDatabase(options.database).catch(async (err: unknown) => {
    await report.close();
    throw err;
  });
  try {
    const { db } = target;
    const { known, openByUser } = await KnownChats.load(db);

    const chats = new ChatWriter(
      db,
      known,
      new OneOpenChatPerUser(openByUser),
      report,
      basename(options.chatsFile),
    );
    await readExport<ChatRow>(
      {
        file: options.chatsFile,
        collection: 'chats',
        map: (record) => mapRecord(record, mapChat),
        take: (row, position) => chats.add(row, position),
        onRejectedId: (id) => known.addRejected(id),
      },
      report,
      progress,
    );
    await chats.flush();

    await createStagingTable(db);
    const messages = new MessageStager(target, known, report, basename(options.messagesFile));
    await readExport<StagedMessage>(
      {
        file: options.messagesFile,
        collection: 'messages',
        map: (record) => mapRecord(record, (doc, id) => mapMessage(doc, id, record)),
        take: (row) => messages.add(row),
      },
      report,
      progress,
    );
    await messages.flush();
    await messages.rejectDuplicates();

    const skippedMessages = await dropAlreadyStored(db);
    const imported = await appendStaged(db, (done, total) => {
      if (done === 0) progress.start('appending', total);
      progress.update(done, done);
    });
    progress.stop();

    const seconds = (performance.now() - startedAt) / 1000;
    return {
      chats: {
        ...chats.counts,
        rejected: report.count('chats', 'rejected'),
        importedClosed: report.count('chats', 'changed'),
      },
      messages: {
        imported,
        skipped: skippedMessages,
        rejected: report.count('messages', 'rejected'),
      },
      reasons: report.byReason(),
      seconds,
      messagesPerSecond: seconds > 0 ? imported / seconds : 0,
    };
  } finally {
    await report.close();
    await target.close();
  }
}
