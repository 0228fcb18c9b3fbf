/** One raw record of an export → a row (via `map`), or the reason it cannot be one. */
import { type Document, idField } from './document-fields.js';
import { FieldProblem } from './field-problem.js';
import type { RawRecord } from './read-records.js';
import type { Rejection, RejectReason } from './report.js';

export type Mapped<T> = { ok: true; row: T } | { ok: false; rejection: Rejection };

function reject(
  record: RawRecord,
  id: string | null,
  reason: RejectReason,
  detail: string,
): Mapped<never> {
  const { line, document } = record;
  return { ok: false, rejection: { line, document, id, reason, detail } };
}

/** Parses the record, reads `_id`, and lets `map` read the rest (FieldProblem → reject). */
export function mapRecord<T>(record: RawRecord, map: (doc: Document, id: string) => T): Mapped<T> {
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
    id = idField(doc, '_id');
    return { ok: true, row: map(doc, id) };
  } catch (err) {
    if (!(err instanceof FieldProblem)) throw err;
    return reject(record, id, err.reason, err.message);
  }
}
