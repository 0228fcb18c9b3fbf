/**
 * GET /api/chats/:chatId/transcript: who may view the chat gets every message of it, in
 * seq order, as JSON or as an HTML page, with the hash its audit chain ended with (an
 * admin's copy also has the internal notes). Everything that can refuse is decided before
 * the first byte; then the body is written page by page as the client reads it.
 */

import { chainOf } from '../audit/chain.js';
import type { Actor } from '../auth/actor.js';
import { assertMayView } from '../chats/rules.js';
import { requireCurrentChat, type Store } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import { footHtml, headHtml, itemsHtml, TRANSCRIPT_HTML_CSP } from './html.js';
import { JSON_END, JSON_NOTES, jsonItems, jsonStart, type TranscriptHead } from './json.js';
import { messagePages, notePages, timelinePages } from './read.js';
import { type TranscriptFormat, transcriptFilename, transcriptHasNotes } from './rules.js';

export interface TranscriptDownload {
  filename: string;
  contentType: string;
  /** The response's own policy: the HTML page's styles, nothing at all for JSON. */
  contentSecurityPolicy: string;
  /** The body, a piece at a time; the next page is read when the consumer asks for more. */
  body: AsyncIterable<string>;
}

export interface TranscriptInput {
  chatId: string;
  format?: TranscriptFormat | undefined;
}

export async function openTranscript(
  deps: { store: Store; publicUrl?: string | undefined },
  actor: Actor,
  input: TranscriptInput,
): Promise<TranscriptDownload> {
  const { store } = deps;
  // The chat as the database has it now (as history reads it): a cached row may not yet
  // know of a transfer another node just made.
  const chat = await requireCurrentChat(store, input.chatId);
  assertMayView(chat, actor);
  const withNotes = transcriptHasNotes(actor);
  const now = new Date();
  // The chat's end now (a page's total is its lastSeq): the copy stops there, and a message
  // or note written while it is made is left for the next copy.
  const { total: lastSeq } = await store.historyPage(chat._id, 1, 1);
  const audit = await store.audit.chainHead(chainOf(chat._id));
  const head: TranscriptHead = {
    chat: {
      _id: chat._id,
      userId: chat.userId,
      userName: chat.userName,
      status: chat.status,
      createdAt: chat.createdAt,
    },
    generatedAt: now.toISOString(),
    auditHash: audit?.hash ?? null,
    auditChainSeq: audit?.chainSeq ?? null,
    auditAt: audit?.at ?? null,
    withNotes,
  };
  const format = input.format ?? 'json';
  const read = { store, chatId: chat._id, lastSeq, withNotes };
  return format === 'html'
    ? {
        filename: transcriptFilename(chat._id, 'html', now),
        contentType: 'text/html; charset=utf-8',
        contentSecurityPolicy: TRANSCRIPT_HTML_CSP,
        body: htmlBody(read, head, deps.publicUrl),
      }
    : {
        filename: transcriptFilename(chat._id, 'json', now),
        contentType: 'application/json; charset=utf-8',
        contentSecurityPolicy: "sandbox; default-src 'none'",
        body: jsonBody(read, head),
      };
}

interface Read {
  store: Store;
  chatId: string;
  lastSeq: number;
  withNotes: boolean;
}

const pageRows = () => TUNABLES.transcriptPageRows.value;

const messagesOf = ({ store, chatId, lastSeq }: Read) =>
  messagePages(store, chatId, lastSeq, pageRows());
const notesOf = ({ store, chatId, lastSeq }: Read) => notePages(store, chatId, lastSeq, pageRows());

/**
 * After the notes: a page of them read once retention deleted the chat is empty, as their
 * end is, so the copy would look whole without its last notes. Still there now (retention
 * deletes a chat with its notes), nothing was missed; gone, the download is cut short.
 */
async function chatStillThere({ store, chatId }: Read): Promise<void> {
  await requireCurrentChat(store, chatId);
}

async function* jsonBody(read: Read, head: TranscriptHead): AsyncGenerator<string> {
  yield jsonStart(head);
  let first = true;
  for await (const page of messagesOf(read)) {
    yield jsonItems(page, first);
    first = false;
  }
  if (read.withNotes) {
    yield JSON_NOTES;
    first = true;
    for await (const page of notesOf(read)) {
      yield jsonItems(page, first);
      first = false;
    }
    await chatStillThere(read);
  }
  yield JSON_END;
}

async function* htmlBody(
  read: Read,
  head: TranscriptHead,
  publicUrl: string | undefined,
): AsyncGenerator<string> {
  yield headHtml(head);
  let messages = 0;
  let notes = 0;
  const notePagesOf = read.withNotes ? notesOf(read) : null;
  for await (const items of timelinePages(messagesOf(read), notePagesOf)) {
    for (const item of items) {
      if (item.kind === 'message') messages++;
      else notes++;
    }
    yield itemsHtml(items, publicUrl);
  }
  if (read.withNotes) await chatStillThere(read);
  yield footHtml(messages, notes, read.withNotes);
}
