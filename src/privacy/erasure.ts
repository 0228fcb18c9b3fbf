/**
 * DELETE /api/users/:userId (superadmins): what the desk stored about a person is
 * overwritten or deleted, and what it counted stays.
 *
 * 1. The user's chats that are still open are closed (as a superadmin closes one: audited
 *    `chat.closed`, `chat-closed` to the room), so nothing is written to them meanwhile.
 * 2. The bytes of their attachments are deleted (records still name them, so a DELETE
 *    that fails here finds them again).
 * 3. Each chat's messages are overwritten in chunks of `erasureChunkMessages` seqs, one
 *    transaction each, a turn between.
 * 4. One transaction pseudonymises the chats, erases notes, deletes the attachment records
 *    and pending webhook deliveries, seals the audit entries and writes `user.erased`
 *    (store/privacy.ts eraseUser).
 *
 * Then the user's sockets are disconnected on every node, and the chats leave every
 * node's cache. From before step 1 until the route has published that, the user is held:
 * no chat is opened for them and no upload of theirs recorded (ERASURE_IN_PROGRESS), on
 * any node (store/privacy.ts, the hold). So nothing they send meanwhile escapes the
 * erasure: a send to a chat step 1 has not closed yet is erased by step 3 or 4, one after
 * it is refused by the append (the chat is closed, then not theirs); an upload recorded
 * before the hold is found by steps 2 and 4, one in flight is refused as its record would
 * be written, and its bytes deleted (attachments/upload.ts). A socket the disconnect has
 * not reached when the hold ends is then a returning user: what it stores is new.
 *
 * A DELETE while another erasure of the user runs is refused as its hold is written
 * (ERASURE_IN_PROGRESS): it would find the first's work stored, and answer it done before
 * the first had disconnected the user. A second DELETE after it finds nothing of the user's
 * own id, but chats of the pseudonym or the `user.erased` entry naming it: 200, `alreadyErased`. A user with no chat is erased as well when something
 * still names them: uploads no message used, or audit entries of what they did in chats
 * retention deleted (steps 2 and 4).
 */

import type { WithAttachments } from '../attachments/services.js';
import { auditActor } from '../audit/actor.js';
import type { Actor } from '../auth/actor.js';
import { closeChat } from '../chats/use-cases.js';
import type { Deps } from '../deps.js';
import { userNotFound } from '../errors.js';
import type { Effects } from '../outcome.js';
import { isPseudonym } from '../schemas/vocabulary.js';
import type { UserChatRef } from '../store/privacy.js';
import { TUNABLES } from '../tunables.js';
import { assertMayErase, seqChunks } from './rules.js';

/** The user's chats read per query (ids, status, lastSeq only). */
const CHAT_PAGE = 500;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface ErasureReply {
  userId: string;
  /** True when the user had been erased before: nothing was left to erase. */
  alreadyErased: boolean;
  chats: number;
  messages: number;
  notes: number;
  attachments: number;
  auditEntries: number;
}

const NOTHING = { chats: 0, messages: 0, notes: 0, attachments: 0, auditEntries: 0 };

async function chatsOf(deps: Deps, userId: string): Promise<UserChatRef[]> {
  const all: UserChatRef[] = [];
  for (;;) {
    const page = await deps.store.privacy.userChats(userId, all.at(-1)?.id ?? '', CHAT_PAGE);
    all.push(...page);
    if (page.length < CHAT_PAGE) return all;
  }
}

/** An erasure's outcome, and the end of its hold: called once its effects are published. */
export interface Erasure {
  reply: ErasureReply;
  effects: Effects[];
  endHold: () => Promise<void>;
}

/**
 * Erases the user, holding them (no chat opened for them) from the start; the hold ends
 * when this fails, or when the caller calls `endHold` after publishing the effects (the
 * disconnect of the user's sockets among them).
 */
export async function eraseUser(
  deps: Deps & WithAttachments,
  actor: Actor,
  userId: string,
): Promise<Erasure> {
  assertMayErase(actor);
  const { privacy } = deps.store;
  // An erased user's pseudonym: its person was erased, and no one acts as it (tokens and
  // payloads naming it are refused), so nothing of it is left to erase or to record again.
  if (isPseudonym(userId)) {
    if (!(await privacy.namesUser(userId))) throw userNotFound(userId);
    const reply = { userId, alreadyErased: true, ...NOTHING };
    return { reply, effects: [], endHold: () => Promise.resolve() };
  }
  const holdId = await privacy.holdErasure(userId);
  const endHold = () => privacy.endErasureHold(holdId);
  try {
    return { ...(await eraseHeld(deps, actor, userId, renewer(deps, holdId))), endHold };
  } catch (err) {
    // A failed DELETE leaves the user free (a later one holds them again).
    await endHold().catch(() => undefined);
    throw err;
  }
}

/**
 * Renews the hold between the steps, once a tenth of its bound has passed since the last
 * renewal: a long erasure stays held, a short one writes no renewal.
 */
function renewer(deps: Deps, holdId: string): () => Promise<void> {
  let renewedAt = Date.now();
  return async () => {
    if (Date.now() - renewedAt < TUNABLES.erasureHoldStaleMs.value / 10) return;
    renewedAt = Date.now();
    await deps.store.privacy.renewErasureHold(holdId);
  };
}

async function eraseHeld(
  deps: Deps & WithAttachments,
  actor: Actor,
  userId: string,
  renew: () => Promise<void>,
): Promise<{ reply: ErasureReply; effects: Effects[] }> {
  const { store } = deps;
  const chats = await chatsOf(deps, userId);
  const ids = chats.map((c) => c.id);
  const uploads = await store.privacy.attachmentsOf(userId, ids);
  const nothingLive = chats.length === 0 && uploads.length === 0;
  if (nothingLive && (await store.privacy.wasErased(userId))) {
    return { reply: { userId, alreadyErased: true, ...NOTHING }, effects: [] };
  }
  const effects: Effects[] = [];
  for (const chat of chats.filter((c) => c.status !== 'closed')) {
    const closed = await closeChat(deps, actor, { chatId: chat.id });
    // Messages stored between the read and the close are erased by the last step.
    effects.push(closed);
    await renew();
  }
  const { blobs } = deps.attachments;
  for (const record of uploads) {
    await blobs.delete(record.blobKey);
    if (record.thumbKey) await blobs.delete(record.thumbKey);
    await renew();
  }
  const erasedThrough = new Map<string, number>();
  for (const chat of chats) {
    for (const [from, to] of seqChunks(chat.lastSeq, TUNABLES.erasureChunkMessages.value)) {
      await store.privacy.eraseMessages(chat.id, userId, from, to);
      erasedThrough.set(chat.id, to);
      await renew();
      await nextTurn();
    }
  }
  const erased = await store.privacy.eraseUser(userId, erasedThrough, {
    actor: auditActor(actor),
    action: 'user.erased',
    chatId: null,
    details: {},
  });
  if (erased === undefined) {
    // Nothing names them: no chat, no upload, no audit entry (files uploaded before a first
    // message, and entries of chats retention deleted, are erased like the rest).
    if (nothingLive) throw userNotFound(userId);
    // Another DELETE of this user finished first: it erased everything.
    return { reply: { userId, alreadyErased: true, ...NOTHING }, effects };
  }
  // Uploaded meanwhile (an admin's, into their chats: the user's are held): their records
  // went with the rest.
  for (const key of erased.blobKeys) await blobs.delete(key);
  for (const id of erased.chatIds) {
    const chat = await store.getChat(id);
    if (!chat) continue;
    // Opened after the chats were read (none while the hold holds; one could be if it went
    // stale under a stalled erasure): closed now, so that no one is routed or queued a
    // chat of nobody.
    if (chat.status !== 'closed') effects.push(await closeChat(deps, actor, { chatId: id }));
    // Its user's sockets no longer view it: they leave its room; other nodes drop their copy.
    else effects.push({ events: [], accessChanged: chat });
  }
  effects.push({ events: [], disconnectUser: userId });
  const { blobKeys: _, chatIds: __, ...counts } = erased;
  return { reply: { userId, alreadyErased: false, ...counts }, effects };
}
