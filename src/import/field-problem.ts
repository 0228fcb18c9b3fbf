/** Why one field of an exported document cannot be imported: a reason code and a sentence. */
export type FieldReason =
  | 'missing-field'
  | 'invalid-type'
  | 'invalid-id'
  | 'id-too-long'
  | 'invalid-text'
  | 'invalid-date'
  | 'invalid-status'
  | 'invalid-sender-type'
  | 'invalid-message-type'
  | 'invalid-file-url';

/** Thrown by the field readers and caught once per document, which becomes a reject. */
export class FieldProblem extends Error {
  constructor(
    readonly reason: FieldReason,
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'FieldProblem';
  }
}

/** Why one field was imported changed rather than as exported. */
export type FieldChangeReason =
  | 'name-too-long'
  | 'name-bidi-controls'
  | 'content-too-long'
  | 'card-number-masked'
  | 'inconsistent-assignment'
  | 'id-trimmed';

/** A field taken changed (cut to its limit, say): the row is imported and the change reported. */
export interface FieldChange {
  reason: FieldChangeReason;
  /** Field and what was done, as a sentence. */
  detail: string;
}
