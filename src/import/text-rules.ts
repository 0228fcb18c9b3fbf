/**
 * The rules live input follows for strings, ids and names, as the import applies them: the
 * rule and the limits come from where live input defines them (schemas/), so the two cannot
 * drift. Text must be storable (textProblem); an id is at most LIMITS.idChars characters and
 * cannot be cut (other rows refer to it); a name is cut to LIMITS.nameChars, as a token's
 * name is, since it rides in every chat list and event, and loses the bidirectional controls
 * live names refuse (isPlainName). A message's content is cut to LIMITS.contentChars, as
 * live input is held to it: a page of history must cost what a page of live messages costs,
 * whatever was imported.
 */
import { isPlainName, textProblem } from '../schemas/text-rules.js';
import { LIMITS } from '../schemas/vocabulary.js';
import { FieldProblem } from './field-problem.js';

export function assertValidText(value: string, field: string): string {
  const problem = textProblem(value);
  if (problem) throw new FieldProblem('invalid-text', field, `contains a ${problem}`);
  return value;
}

export function assertValidId(value: string, field: string): string {
  if (value.trim() === '') throw new FieldProblem('invalid-id', field, 'is empty');
  if (value.length > LIMITS.idChars) {
    throw new FieldProblem('id-too-long', field, `is longer than ${LIMITS.idChars} characters`);
  }
  return assertValidText(value, field);
}

/**
 * The name without the controls isPlainName refuses. Live input refuses such a name; an
 * imported one keeps its chat and history, and is shown as written, without reordering.
 */
export function withoutBidiControls(name: string): string {
  return isPlainName(name) ? name : Array.from(name).filter(isPlainName).join('');
}
