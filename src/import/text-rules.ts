/**
 * The contract's rules of text and ids (src/schemas), as the import reports them: strings
 * must be text every store holds alike, ids are not empty and at most LIMITS.idChars long.
 */
import { textProblem } from '../schemas/text-rules.js';
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
