/**
 * A transcript as JSON written in pieces: the envelope and head, then each message (and
 * note) as it is read, so the whole document is never held at once. The result parses as
 * `{success: true, transcript}` (schemas/transcript.ts).
 */
import type { Transcript, TranscriptMessage, TranscriptNote } from '../schemas/transcript.js';

export type TranscriptHead = Omit<Transcript, 'messages' | 'notes'>;

/** Opens the envelope and the messages array. */
export function jsonStart(head: TranscriptHead): string {
  const opened = JSON.stringify({ success: true, transcript: head }).slice(0, -2);
  return `${opened},"messages":[`;
}

/** A page of messages or notes; `first`: nothing was written in this array before it. */
export function jsonItems(
  items: readonly (TranscriptMessage | TranscriptNote)[],
  first: boolean,
): string {
  if (items.length === 0) return '';
  const body = items.map((item) => JSON.stringify(item)).join(',');
  return first ? body : `,${body}`;
}

/** Closes the messages array and opens the notes'. */
export const JSON_NOTES = '],"notes":[';
/** Closes the last array, the transcript and the envelope. */
export const JSON_END = ']}}';
