/**
 * GET /api/users/:userId/export: everything stored about a user, as one JSON document
 * (UserExportReply), streamed. Chats are read a page at a time and each chat's messages
 * `exportPageMessages` at a time, so the reply holds one page in memory whatever the user
 * has stored. The caller is checked, and the export recorded (`user.exported`, desk
 * chain), before the first byte: a failure after it cuts the reply short, and the client
 * sees JSON that does not parse rather than a partial export that looks whole. A user
 * whom only an upload no message used, or audit entries (of chats retention deleted, of
 * exports of them), name is exported with no chats; one whom nothing names is a 404.
 */

import type { WithAttachments } from '../attachments/services.js';
import { linksFor, wireAttachment, withAttachments } from '../attachments/wire.js';
import { auditActor } from '../audit/actor.js';
import type { Actor } from '../auth/actor.js';
import { parseCustomerContext } from '../chats/customer-context.js';
import { chatSeenBy } from '../chats/permissions.js';
import type { Deps } from '../deps.js';
import { chatNotFound, userNotFound } from '../errors.js';
import type { Chat, Note } from '../schemas/shapes.js';
import { requireCurrentChat } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import { exportViewOf } from './rules.js';

/** Chats read per query while exporting (their messages are paged apart). */
const CHAT_PAGE = 50;

const json = (value: unknown): string => JSON.stringify(value);

/**
 * Checks the caller, finds the user, records the export; then the document, in pieces.
 * Throws (403, 404) before anything is recorded or sent.
 */
export async function exportUser(
  deps: Deps & WithAttachments,
  actor: Actor,
  userId: string,
): Promise<AsyncGenerator<string>> {
  const view = exportViewOf(actor, userId);
  const { store } = deps;
  // Without a chat, an upload or an audit entry of theirs still names them: exported with
  // no chats. Nothing at all: 404.
  if (!(await store.privacy.namesUser(userId))) throw userNotFound(userId);
  await store.privacy.record({
    actor: auditActor(actor),
    action: 'user.exported',
    chatId: null,
    details: { userId, withNotes: view.withNotes },
  });
  return documentOf(deps, actor, userId, view.withNotes, new Date().toISOString());
}

async function* documentOf(
  deps: Deps & WithAttachments,
  actor: Actor,
  userId: string,
  withNotes: boolean,
  exportedAt: string,
): AsyncGenerator<string> {
  const { store } = deps;
  // The export's links name its caller: a download by one is audited as theirs.
  const shown = { ...deps, attachments: linksFor(deps.attachments, actor) };
  yield `{"success":true,"userId":${json(userId)},"exportedAt":${json(exportedAt)},"withNotes":${withNotes},"chats":[`;
  let after = '';
  let separator = '';
  for (;;) {
    const page = await store.privacy.exportChats(userId, after, CHAT_PAGE);
    for (const row of page) {
      const seen = chatSeenBy(row.chat, actor);
      const chat: Chat = row.ctx === null ? seen : { ...seen, ctx: parseCustomerContext(row.ctx) };
      yield `${separator}{"chat":${json(chat)},"messages":[`;
      separator = ',';
      yield* messagesOf(shown, chat._id, row.lastSeq);
      yield ']';
      if (withNotes) {
        yield ',"notes":[';
        yield* notesOf(deps, chat._id);
        // A page of notes read once retention deleted the chat is empty, as their end is:
        // still there now (it goes with its notes), none were missed; gone, the reply is cut.
        await requireCurrentChat(store, chat._id);
        yield ']';
      }
      yield '}';
    }
    const last = page.at(-1);
    if (last === undefined || page.length < CHAT_PAGE) break;
    after = last.chat._id;
  }
  // Files the desk holds of theirs that no message carries: the messages carry the rest.
  const uploads = await store.privacy.unsentUploadsOf(userId);
  yield `],"uploads":${json(uploads.map((r) => wireAttachment(r, shown.attachments.links)))}}`;
}

/** The chat's messages up to `lastSeq` (as it was when the chat was read), seq order. */
async function* messagesOf(
  { store, attachments }: Deps & WithAttachments,
  chatId: string,
  lastSeq: number,
): AsyncGenerator<string> {
  const limit = TUNABLES.exportPageMessages.value;
  let seq = 0;
  let separator = '';
  while (seq < lastSeq) {
    const { messages } = await store.historyCursor(chatId, { direction: 'after', seq, limit });
    const last = messages.at(-1);
    // seq has no gaps: nothing before lastSeq means retention deleted the chat since it was
    // read, and a chat cut there would look whole, so the download is cut short instead.
    if (last === undefined) throw chatNotFound(chatId);
    const shown = await withAttachments(store, attachments, messages);
    yield separator + shown.map(json).join(',');
    separator = ',';
    seq = last.seq;
  }
}

async function* notesOf({ store }: Deps, chatId: string): AsyncGenerator<string> {
  const limit = TUNABLES.exportPageMessages.value;
  let after: Note | null = null;
  let separator = '';
  for (;;) {
    const notes = await store.privacy.notesAfter(chatId, after, limit);
    if (notes.length > 0) yield separator + notes.map(json).join(',');
    separator = ',';
    const last = notes.at(-1);
    if (last === undefined || notes.length < limit) return;
    after = last;
  }
}
