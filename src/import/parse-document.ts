/** One record of an export → a row (via `map`), or the reason it cannot be one. */
import { type Document, idField } from './document-fields.js';
import { type FieldChange, FieldProblem } from './field-problem.js';
import { type ExportRecord, MAX_DOCUMENT_BYTES } from './read-records.js';
import type { Change, Rejection, RejectReason } from './report.js';

export type Mapped<T> =
  | { ok: true; row: T; changes: Change[] }
  | { ok: false; rejection: Rejection };

function reject(
  record: ExportRecord,
  id: string | null,
  reason: RejectReason,
  detail: string,
): Mapped<never> {
  const { line, document } = record;
  return { ok: false, rejection: { line, document, id, reason, detail } };
}

const bytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`;

/**
 * Parses the record, reads `_id`, and lets `map` read the rest (FieldProblem → reject; what
 * it took changed, it adds to its `changes`).
 */
export function mapRecord<T>(
  record: ExportRecord,
  map: (doc: Document, id: string, changes: FieldChange[]) => T,
): Mapped<T> {
  if (record.kind === 'too-large') {
    return reject(
      record,
      null,
      'document-too-large',
      `the document at byte offset ${record.offset} is ${bytes(record.size)}, over the ${bytes(MAX_DOCUMENT_BYTES)} a document may have; it was not read`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.text);
  } catch (err) {
    return reject(record, null, 'invalid-json', err instanceof Error ? err.message : String(err));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject(record, null, 'not-an-object', 'is not a JSON object');
  }
  const doc = parsed as Document;
  let id: string | null = null;
  try {
    const fieldChanges: FieldChange[] = [];
    id = idField(doc, '_id', fieldChanges);
    const row = map(doc, id, fieldChanges);
    const { line, document } = record;
    const changes = fieldChanges.map((c) => ({ line, document, id, ...c }));
    return { ok: true, row, changes };
  } catch (err) {
    if (!(err instanceof FieldProblem)) throw err;
    return reject(record, id, err.reason, err.message);
  }
}
