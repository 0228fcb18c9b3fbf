/**
 * Reading one exported document's fields, each with the rule its column needs. A field that
 * breaks its rule throws FieldProblem naming it; the mapper turns that into a reject.
 * Missing optional fields take v2's defaults (Mongoose wrote them, so they are rare).
 */

import type { MaskedText } from '../redaction/card-numbers.js';
import { redactClientText } from '../redaction/client-text.js';
import { cutName, cutText } from '../schemas/text-rules.js';
import { isPseudonym, LIMITS } from '../schemas/vocabulary.js';
import { TUNABLES } from '../tunables.js';
import { isoDate, isoOfMillis, objectIdHex } from './ejson.js';
import { type FieldChange, FieldProblem } from './field-problem.js';
import { assertValidId, assertValidText, withoutBidiControls } from './text-rules.js';

export type Document = Readonly<Record<string, unknown>>;

const isMissing = (value: unknown): value is null | undefined =>
  value === undefined || value === null;

/**
 * An id: an ObjectId (kept as its 24 hex characters) or a non-empty string of valid text,
 * without spaces at its ends: live input trims every id, so a chat or user id imported with
 * them is one no client could name (`changes` gets the trim).
 */
export function idField(doc: Document, field: string, changes: FieldChange[]): string {
  const value = doc[field];
  if (isMissing(value)) throw new FieldProblem('missing-field', field, 'is missing');
  const hex = objectIdHex(value);
  if (hex !== undefined) return hex;
  if (typeof value !== 'string') {
    throw new FieldProblem('invalid-id', field, 'is neither an ObjectId nor a string');
  }
  const id = assertValidId(value, field);
  const trimmed = id.trim();
  if (trimmed === id) return id;
  changes.push({
    reason: 'id-trimmed',
    detail: `${field}: spaces at its ends removed, as live input removes them`,
  });
  return trimmed;
}

/**
 * A person's id (a user's, an admin's): an id that is not an erased user's pseudonym, which
 * live input refuses as anyone's id. A user imported so named would be taken for an erased
 * one, and could never be erased (erasing a pseudonym erases nothing).
 */
export function personIdField(doc: Document, field: string, changes: FieldChange[]): string {
  const id = idField(doc, field, changes);
  if (isPseudonym(id)) {
    throw new FieldProblem(
      'invalid-id',
      field,
      "is an erased user's pseudonym, an id no one may have",
    );
  }
  return id;
}

export function optionalPersonIdField(
  doc: Document,
  field: string,
  changes: FieldChange[],
): string | null {
  return isMissing(doc[field]) ? null : personIdField(doc, field, changes);
}

export function stringField(doc: Document, field: string, fallback?: string): string {
  const value = doc[field];
  if (isMissing(value)) {
    if (fallback === undefined) throw new FieldProblem('missing-field', field, 'is missing');
    return fallback;
  }
  if (typeof value !== 'string') throw new FieldProblem('invalid-type', field, 'is not a string');
  return assertValidText(value, field);
}

export function optionalStringField(doc: Document, field: string): string | null {
  return isMissing(doc[field]) ? null : stringField(doc, field);
}

/**
 * A person's name: valid text, held to the rules of live names — its bidirectional controls
 * removed, cut to the length live input allows — each change noted in `changes`.
 */
export function nameField(
  doc: Document,
  field: string,
  changes: FieldChange[],
  fallback?: string,
): string {
  const written = stringField(doc, field, fallback);
  const name = withoutBidiControls(written);
  if (name !== written) {
    changes.push({
      reason: 'name-bidi-controls',
      detail: `${field}: bidirectional embedding, override and isolate controls removed`,
    });
  }
  // Masked before the cut (masking keeps the length): cut first, a name could keep a card's
  // first digits, a run too short or failing the Luhn check, so left as written.
  const masked = maskedField(field, name, changes).text;
  const cut = cutName(masked);
  if (cut !== masked) {
    changes.push({
      reason: 'name-too-long',
      detail: `${field}: cut from ${masked.length.toLocaleString('en-US')} to ${cut.length} characters`,
    });
  }
  return cut;
}

/** A text with its card numbers masked, as live input is; the masking is reported. */
export function maskedField(field: string, text: string, changes: FieldChange[]): MaskedText {
  const masked = redactClientText(text);
  if (masked.masked > 0) {
    changes.push({
      reason: 'card-number-masked',
      detail: `${field}: ${masked.masked === 1 ? 'a card number' : `${masked.masked} card numbers`} masked`,
    });
  }
  return masked;
}

export function optionalNameField(
  doc: Document,
  field: string,
  changes: FieldChange[],
): string | null {
  return isMissing(doc[field]) ? null : nameField(doc, field, changes);
}

export function booleanField(doc: Document, field: string, fallback: boolean): boolean {
  const value = doc[field];
  if (isMissing(value)) return fallback;
  if (typeof value !== 'boolean') throw new FieldProblem('invalid-type', field, 'is not a boolean');
  return value;
}

export function dateField(doc: Document, field: string, fallback?: string): string {
  const value = doc[field];
  if (isMissing(value)) {
    if (fallback === undefined) throw new FieldProblem('missing-field', field, 'is missing');
    return notInFuture(fallback, field);
  }
  return notInFuture(isoDate(value, field), field);
}

/** The latest date taken (ISO text, which sorts as time), worked out again each minute. */
let latest = { until: 0, iso: '' };

/**
 * A date after the import's clock (and a day: importFutureDateMs) was written by no v2: a
 * closed chat so dated would never be purged by RETENTION_DAYS, a waiting one would queue
 * behind every other.
 */
function notInFuture(iso: string, field: string): string {
  const now = Date.now();
  if (now >= latest.until) {
    latest = { until: now + 60_000, iso: isoOfMillis(now + TUNABLES.importFutureDateMs.value) };
  }
  if (iso > latest.iso) {
    throw new FieldProblem('invalid-date', field, `is in the future (after ${latest.iso})`);
  }
  return iso;
}

export function optionalDateField(doc: Document, field: string): string | null {
  return isMissing(doc[field]) ? null : dateField(doc, field);
}

/** One of `allowed`; missing takes `fallback` (v2's schema default), or is refused without one. */
export function enumField<T extends string>(
  doc: Document,
  field: string,
  allowed: readonly T[],
  fallback: T | undefined,
  reason: 'invalid-status' | 'invalid-sender-type' | 'invalid-message-type',
): T {
  const value = doc[field];
  if (isMissing(value)) {
    if (fallback === undefined) throw new FieldProblem('missing-field', field, 'is missing');
    return fallback;
  }
  const found = allowed.find((a) => a === value);
  if (found === undefined) {
    throw new FieldProblem(reason, field, `must be one of ${allowed.join(', ')}`);
  }
  return found;
}

/**
 * A message's content with its card numbers masked, then cut to what live input accepts
 * (each reported); masked first for the reason a name is.
 */
export function contentField(doc: Document, changes: FieldChange[]): MaskedText {
  const masked = maskedField('content', stringField(doc, 'content', ''), changes);
  const written = masked.text;
  const cut = cutText(written, LIMITS.contentChars);
  if (cut !== written) {
    changes.push({
      reason: 'content-too-long',
      detail: `content: cut from ${written.length.toLocaleString('en-US')} to ${cut.length} characters`,
    });
    // A copy, not a slice: V8's slice keeps the whole megabyte it was cut from alive, and a
    // staging batch of such rows held them all (the batch counts the cut length).
    return { ...masked, text: Buffer.from(cut, 'utf16le').toString('utf16le') };
  }
  return masked;
}
