/**
 * One export file read and mapped, record by record, into batches of mapped rows with where
 * each document is: the part of the import that needs no database, which runs in a worker
 * thread (map-worker.ts) beside the database writes (mapped-batches.ts).
 */
import { type ChatRow, mapChat, mapMessage, type StagedMessage } from './map-v2.js';
import { type Mapped, mapRecord } from './parse-document.js';
import { type ExportReader, type ExportRecord, readRecords } from './read-records.js';
import type { Change, Collection, Position } from './report.js';

export interface MappedItem<T> {
  mapped: Mapped<T>;
  position: Position;
}

export interface MappedBatch<T> {
  items: MappedItem<T>[];
  /** Bytes of the file read so far. */
  bytes: number;
}

export type RowOf<C extends Collection> = C extends 'chats' ? ChatRow : StagedMessage;

const mappers: { [C in Collection]: (record: ExportRecord) => Mapped<RowOf<C>> } = {
  chats: (record) => mapRecord(record, mapChat),
  messages: (record) =>
    mapRecord(record, (doc, id, changes) => mapMessage(doc, id, record, changes)),
};

export async function* mapExport<C extends Collection>(
  file: ExportReader,
  collection: C,
): AsyncGenerator<MappedBatch<RowOf<C>>> {
  const map = mappers[collection];
  let bytes = 0;
  for await (const records of readRecords(file, (read) => (bytes = read))) {
    const items = records.map((record) => ({
      mapped: map(record),
      position: { line: record.line, document: record.document },
    }));
    yield { items, bytes };
  }
}

/**
 * A batch as it crosses to the main thread. Structured clone writes every key of every
 * object: 100,000 message rows as objects took 320–570 ms to deserialize on the main thread,
 * as arrays of values 90–115 ms (v8.serialize, this machine). So a taken row travels as its
 * values (Object.values), in the order of `columns`, the keys of the batch's first row: the
 * mappers build every row as the same object literal, so every row lists its keys in that
 * order. Only the rare changes and rejections travel as objects.
 */
export interface PackedBatch {
  columns: string[];
  /** Per document: its row's values, or null when it was rejected. */
  values: (unknown[] | null)[];
  lines: number[];
  documents: number[];
  /** Per document with changes or a rejection: its index and what mapRecord said. */
  notes: [number, Mapped<never> | Change[]][];
  bytes: number;
}

export function packBatch<T extends object>({ items, bytes }: MappedBatch<T>): PackedBatch {
  const first = items.find((item) => item.mapped.ok)?.mapped;
  const columns = first?.ok ? Object.keys(first.row) : [];
  const packed: PackedBatch = { columns, values: [], lines: [], documents: [], notes: [], bytes };
  items.forEach(({ mapped, position }, i) => {
    packed.lines.push(position.line);
    packed.documents.push(position.document);
    if (!mapped.ok) {
      packed.values.push(null);
      packed.notes.push([i, mapped]);
      return;
    }
    const rowValues = Object.values(mapped.row);
    if (rowValues.length !== columns.length) throw new Error('packBatch: rows of different shapes');
    packed.values.push(rowValues);
    if (mapped.changes.length > 0) packed.notes.push([i, mapped.changes]);
  });
  return packed;
}

export function unpackBatch<T>(packed: PackedBatch): MappedBatch<T> {
  const { columns, values, lines, documents } = packed;
  const notes = new Map(packed.notes);
  const items = values.map((rowValues, i): MappedItem<T> => {
    const position = { line: lines[i] ?? 0, document: documents[i] ?? 0 };
    const note = notes.get(i);
    if (rowValues === null) return { mapped: note as Mapped<never>, position };
    const row: Record<string, unknown> = {};
    columns.forEach((column, k) => {
      row[column] = rowValues[k];
    });
    // The row the worker's mapper built (map-worker.ts), rebuilt from its values.
    return { mapped: { ok: true, row: row as T, changes: (note as Change[]) ?? [] }, position };
  });
  return { items, bytes: packed.bytes };
}
