/**
 * PROTOCOL.md §3 for strings and ids, as the import applies them: strings must be valid text
 * (no NUL, no lone surrogate — PostgreSQL refuses NUL in text, and SQLite would store what
 * PostgreSQL cannot, so both stores are held to the same rule), and ids are at most 100
 * characters.
 */
import { FieldProblem } from './field-problem.js';

export const MAX_ID_CHARS = 100;

/** With the u flag a surrogate pair is one code point, so only a lone surrogate matches. */
const LONE_SURROGATE = /\p{Cs}/u;

export function assertValidText(value: string, field: string): string {
  if (value.includes('\u0000')) {
    throw new FieldProblem('invalid-text', field, 'contains a NUL character');
  }
  if (LONE_SURROGATE.test(value)) {
    throw new FieldProblem('invalid-text', field, 'contains a lone surrogate');
  }
  return value;
}

export function assertValidId(value: string, field: string): string {
  if (value.trim() === '') throw new FieldProblem('invalid-id', field, 'is empty');
  if (value.length > MAX_ID_CHARS) {
    throw new FieldProblem('id-too-long', field, `is longer than ${MAX_ID_CHARS} characters`);
  }
  return assertValidText(value, field);
}
