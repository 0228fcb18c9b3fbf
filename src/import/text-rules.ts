/**
 * The rules live input follows for strings, ids and names, as the import applies them: the
 * rule and the limits come from where live input defines them (schemas/), so the two cannot
 * drift. Text must be storable (no NUL, no lone surrogate — PostgreSQL refuses NUL in text,
 * and SQLite would store what PostgreSQL cannot, so both stores are held to one rule); an id
 * is at most LIMITS.idChars characters and cannot be cut (other rows refer to it); a name is
 * cut to LIMITS.nameChars, as a token's name is, since it rides in every chat list and event,
 * and loses the bidirectional controls live names refuse (isPlainName).
 */
import { isPlainName, isStorableText } from '../schemas/inputs.js';
import { LIMITS } from '../schemas/shapes.js';
import { FieldProblem } from './field-problem.js';

export function assertValidText(value: string, field: string): string {
  if (isStorableText(value)) return value;
  const problem = value.includes('\u0000') ? 'a NUL character' : 'a lone surrogate';
  throw new FieldProblem('invalid-text', field, `contains ${problem}`);
}

export function assertValidId(value: string, field: string): string {
  if (value.trim() === '') throw new FieldProblem('invalid-id', field, 'is empty');
  if (value.length > LIMITS.idChars) {
    throw new FieldProblem('id-too-long', field, `is longer than ${LIMITS.idChars} characters`);
  }
  return assertValidText(value, field);
}

/** At most LIMITS.nameChars UTF-16 units, never half of a character (a pair cut in two). */
export function cutName(name: string): string {
  if (name.length <= LIMITS.nameChars) return name;
  const cut = name.slice(0, LIMITS.nameChars);
  return cut.isWellFormed() ? cut : cut.slice(0, -1);
}

/**
 * The name without the controls isPlainName refuses. Live input refuses such a name; an
 * imported one keeps its chat and history, and is shown as written, without reordering.
 */
export function withoutBidiControls(name: string): string {
  return isPlainName(name) ? name : Array.from(name).filter(isPlainName).join('');
}
