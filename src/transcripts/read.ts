/**
 * A chat's messages and notes read page by page (transcriptPageRows at a time), so a
 * transcript of any length holds one page in memory: the reader asks for the next page
 * only when the response has taken the previous one.
 */

import { ACCEPTED_TYPES } from '../attachments/content-type.js';
import { attachmentPath } from '../attachments/wire.js';
import { chatNotFound } from '../errors.js';
import type { Message, Note } from '../schemas/shapes.js';
import type { TranscriptMessage, TranscriptNote } from '../schemas/transcript.js';
import type { AttachmentRecord } from '../store/attachment-records.js';
import type { Store } from '../store/store.js';

function transcriptMessage(m: Message, record: AttachmentRecord | undefined): TranscriptMessage {
  const contentType = record && ACCEPTED_TYPES.find((t) => t === record.contentType);
  return {
    seq: m.seq,
    at: m.createdAt,
    sender: { type: m.senderType, id: m.senderId, name: m.senderName },
    messageType: m.messageType,
    content: m.content,
    ...(record === undefined && m.fileUrl !== null && { fileUrl: m.fileUrl }),
    ...(record && {
      attachment: {
        id: record.id,
        name: record.name,
        contentType: contentType ?? 'text/plain',
        size: Number(record.size),
        path: attachmentPath(record.id),
      },
    }),
    ...(m.redacted !== undefined && { redacted: m.redacted }),
  };
}

export function transcriptNote(n: Note): TranscriptNote {
  return {
    id: n._id,
    afterSeq: n.afterSeq,
    at: n.createdAt,
    sender: { id: n.senderId, name: n.senderName },
    content: n.content,
  };
}

/** Messages 1..lastSeq (the chat's end when the copy began), a page at a time, by seq. */
export async function* messagePages(
  store: Store,
  chatId: string,
  lastSeq: number,
  pageRows: number,
): AsyncGenerator<TranscriptMessage[]> {
  let seq = 0;
  while (seq < lastSeq) {
    const { messages } = await store.historyCursor(chatId, {
      direction: 'after',
      seq,
      limit: Math.min(pageRows, lastSeq - seq),
    });
    const last = messages.at(-1);
    // seq has no gaps (store.historyPage), so nothing before lastSeq means the chat was
    // deleted (retention) since the copy began: ending here would give a copy that looks
    // whole, so the download is cut short instead.
    if (last === undefined) throw chatNotFound(chatId);
    // Only a page with files or images asks for its attachments (one lookup).
    const withFiles = messages.filter((m) => m.messageType !== 'text').map((m) => m._id);
    const records = await store.attachments.usedBy(withFiles);
    const byMessage = new Map(records.map((r) => [r.messageId, r]));
    yield messages.map((m) => transcriptMessage(m, byMessage.get(m._id)));
    seq = last.seq;
  }
}

/**
 * The chat's notes placed up to `lastSeq`, a page at a time, by afterSeq then time: one
 * written while the copy is made (after `lastSeq`) is left for the next copy.
 */
export async function* notePages(
  store: Store,
  chatId: string,
  lastSeq: number,
  pageRows: number,
): AsyncGenerator<TranscriptNote[]> {
  let after: Note | null = null;
  for (;;) {
    const key = after && { afterSeq: after.afterSeq, createdAt: after.createdAt, id: after._id };
    const notes = await store.notes.page(chatId, key, pageRows);
    const kept = notes.filter((n) => n.afterSeq <= lastSeq);
    if (kept.length > 0) yield kept.map(transcriptNote);
    after = notes.at(-1) ?? null;
    if (notes.length < pageRows || kept.length < notes.length || after === null) return;
  }
}

export type TimelineItem =
  | { kind: 'message'; message: TranscriptMessage }
  | { kind: 'note'; note: TranscriptNote };

/**
 * Messages with the notes among them, where the console shows them (a note after the
 * message its afterSeq names), a page at a time: at most a page of each is held.
 */
export async function* timelinePages(
  messages: AsyncIterable<TranscriptMessage[]>,
  notes: AsyncIterator<TranscriptNote[]> | null,
): AsyncGenerator<TimelineItem[]> {
  let pending: TranscriptNote[] = [];
  let notesDone = notes === null;
  const nextNotes = async (): Promise<void> => {
    if (notes === null || notesDone) return;
    const page = await notes.next();
    if (page.done) notesDone = true;
    else pending = page.value;
  };
  await nextNotes();
  for await (const page of messages) {
    let items: TimelineItem[] = [];
    for (const message of page) {
      // Notes placed before this message: afterSeq below its seq.
      for (;;) {
        while (pending.length > 0 && (pending[0]?.afterSeq ?? 0) < message.seq) {
          const note = pending.shift();
          if (note) items.push({ kind: 'note', note });
        }
        if (pending.length > 0 || notesDone) break;
        // A page of notes used up before this message: handed over before the next is
        // read, so any number of notes between two messages is held a page at a time.
        if (items.length > 0) {
          yield items;
          items = [];
        }
        await nextNotes();
      }
      items.push({ kind: 'message', message });
    }
    yield items;
  }
  while (pending.length > 0 || !notesDone) {
    if (pending.length > 0) yield pending.map((note) => ({ kind: 'note', note }) as const);
    pending = [];
    await nextNotes();
  }
}
