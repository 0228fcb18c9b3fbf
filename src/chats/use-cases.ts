/**
 * Chat lifecycle use cases: each takes (deps, actor, input), applies the rules, asks the
 * store for one conditional change, and returns the reply plus the events to publish.
 */

import { loadChangedEvents } from '../agents/use-cases.js';
import { auditActor } from '../audit/actor.js';
import type { ChatAudit } from '../audit/chain.js';
import { type Actor, isAdmin, person } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { AppError, adminNotFound } from '../errors.js';
import { emit, type Outcome } from '../outcome.js';
import { rooms } from '../schemas/rooms.js';
import type { Chat, ChatStatus } from '../schemas/shapes.js';
import { requireChat, type Store } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import {
  recordCustomerContext,
  withCustomerContext,
  withCustomerContexts,
} from './customer-context.js';
import { chatSeenBy, queueViewerOf } from './permissions.js';
import {
  adminAudience,
  assertActsForAdmin,
  assertActsForUser,
  assertIsAdmin,
  assertMayClose,
  assertMayListAllChats,
  assertMayTake,
  assertMayTransfer,
  assertMayUnlock,
  assertMayView,
} from './rules.js';

/** How the user of a chat sees it (any user: only their role counts): without labels. */
const USER_VIEW = person('', '', 'user');

/**
 * After a conditional update found its assumption gone (a race was lost), re-apply the
 * rule to the fresh row so the caller gets the precise reason.
 */
async function explainLostRace(
  store: Store,
  chatId: string,
  rule: (chat: Chat) => unknown,
): Promise<never> {
  rule(await requireChat(store, chatId));
  throw new AppError('CHAT_CHANGED');
}

/** What opening a chat records: who opened it for which user (a user, or an admin for them). */
export function openedBy(actor: Actor, user: { userId: string; userName: string }): ChatAudit {
  return {
    actor: auditActor(actor),
    action: 'chat.opened',
    details: { userId: user.userId, userName: user.userName },
  };
}

export async function openChat(
  deps: Deps,
  actor: Actor,
  input: { userId: string; userName: string },
): Promise<Outcome<{ chat: Chat; isNew: boolean }>> {
  const { store, presence } = deps;
  assertActsForUser(actor, input.userId);
  // A user who is connected while their chat is opened is online in it.
  const online = await presence.isOnline(input.userId);
  const { chat, isNew } = await store.openChat({ ...input, online }, openedBy(actor, input));
  await recordCustomerContext(deps, actor);
  return {
    reply: { chat: chatSeenBy(chat, USER_VIEW), isNew },
    events: isNew ? [emit(rooms.admins, 'new-chat', { chat })] : [],
  };
}

export async function listUserChats(deps: Deps, actor: Actor, userId: string) {
  assertActsForUser(actor, userId);
  const chats = await deps.store.listChats({ kind: 'byUser', userId }, TUNABLES.chatListMax.value);
  // A signed-in superadmin gets the admins' view (labels, context). Anyone else gets the
  // chats as their user sees them: v2's user app calls this route without naming itself
  // (AUTH_MODE=none), as the anonymous caller, who has a superadmin's rights.
  if (actor.kind === 'person' && isAdmin(actor)) {
    return { chats: await withCustomerContexts(deps, actor, chats) };
  }
  return { chats: chats.map((chat) => chatSeenBy(chat, USER_VIEW)) };
}

export async function listWaitingChats(deps: Deps, actor: Actor) {
  assertIsAdmin(actor);
  await deps.admins.seen(actor);
  const chats = await deps.store.listChats(
    { kind: 'waiting', viewer: queueViewerOf(actor) },
    TUNABLES.chatListMax.value,
  );
  return { chats: await withCustomerContexts(deps, actor, chats) };
}

export async function listAdminChats(deps: Deps, actor: Actor, adminId: string) {
  assertActsForAdmin(actor, adminId);
  await deps.admins.seen(actor);
  const chats = await deps.store.listChats(
    { kind: 'assignedTo', adminId },
    TUNABLES.chatListMax.value,
  );
  return { chats: await withCustomerContexts(deps, actor, chats) };
}

export async function listAllChats(
  deps: Deps,
  actor: Actor,
  filter: { status?: ChatStatus | undefined; label?: string | undefined },
) {
  assertMayListAllChats(actor);
  await deps.admins.seen(actor);
  const chats = await deps.store.listChats(
    { kind: 'all', status: filter.status, label: filter.label },
    TUNABLES.chatListMax.value,
  );
  return { chats: await withCustomerContexts(deps, actor, chats) };
}

/** Assign (lock=false) or lock (lock=true): of concurrent takers exactly one wins. */
export async function takeChat(
  deps: Deps,
  actor: Actor,
  input: { chatId: string; lock: boolean },
): Promise<Outcome<{ chat: Chat }>> {
  const { store, admins } = deps;
  const before = await requireChat(store, input.chatId);
  assertMayTake(before, actor);
  const admin = actor; // a person with an admin's role, as assertMayTake established
  await admins.seen(admin);
  const taken =
    (await store.takeChat(input.chatId, admin, input.lock, {
      actor: auditActor(actor),
      action: input.lock ? 'chat.locked' : 'chat.taken',
      detailsFrom: (taken) => ({ fromAdminId: taken.assignedAdminId }),
    })) ?? (await explainLostRace(store, input.chatId, (c) => assertMayTake(c, actor)));
  // The events below are decided from the row taken, not `before`: an unlock may have put
  // the taker's own chat back in the queue between the two.
  const { chat } = taken;
  const events = [
    input.lock
      ? emit(rooms.admins, 'chat-locked', {
          chatId: chat._id,
          lockedByAdminId: admin.id,
          lockedByAdminName: admin.name,
          chat,
        })
      : emit(rooms.admins, 'chat-taken', {
          chatId: chat._id,
          adminId: admin.id,
          adminName: admin.name,
        }),
  ];
  if (taken.before.assignedAdminId !== admin.id) {
    events.push(
      emit(rooms.user(chat.userId), 'admin-joined', { chatId: chat._id, adminName: admin.name }),
    );
  }
  // The taker's load: a chat is taken only from nobody, or from its taker while waiting.
  if (taken.before.status !== 'active' || taken.before.assignedAdminId !== admin.id) {
    events.push(...(await loadChangedEvents(deps, [admin.id])));
  }
  return {
    reply: { chat: await withCustomerContext(deps, actor, chat) },
    events,
    accessChanged: chat,
  };
}

/**
 * To an admin the server knows (connected or acted, or holding a chat): a mistyped id
 * would hand the chat to nobody, who could neither see nor answer it.
 */
export async function transferChat(
  deps: Deps,
  actor: Actor,
  input: { chatId: string; fromAdminId: string; toAdminId: string; toAdminName: string },
): Promise<Outcome<{ chat: Chat }>> {
  const { store, admins } = deps;
  const rule = (c: Chat) => assertMayTransfer(c, actor, input.fromAdminId, input.toAdminId);
  rule(await requireChat(store, input.chatId));
  await admins.seen(actor);
  // The target's own name (their token's, or their join's), as a take by them would
  // record: the payload's toAdminName only names an admin never recorded by name (one
  // who holds imported chats), so a transferrer cannot rename a colleague to the user.
  const recordedName = await store.knownAdminName(input.toAdminId);
  if (recordedName === undefined && !(await store.isKnownAdmin(input.toAdminId))) {
    throw adminNotFound('toAdminId', input.toAdminId);
  }
  const to = { id: input.toAdminId, name: recordedName || input.toAdminName };
  const chat =
    (await store.transferChat(input.chatId, input.fromAdminId, to, {
      actor: auditActor(actor),
      action: 'chat.transferred',
      details: { fromAdminId: input.fromAdminId, toAdminId: to.id, toAdminName: to.name },
    })) ?? (await explainLostRace(store, input.chatId, rule));
  return {
    reply: { chat: await withCustomerContext(deps, actor, chat) },
    events: [
      emit(rooms.admin(input.fromAdminId), 'chat-transferred-out', {
        chatId: chat._id,
        toAdminName: to.name,
      }),
      emit(rooms.admin(to.id), 'chat-transferred-in', { chat }),
      emit(rooms.user(chat.userId), 'admin-changed', { chatId: chat._id, adminName: to.name }),
      ...(await loadChangedEvents(deps, [input.fromAdminId, to.id])),
    ],
    accessChanged: chat,
  };
}

export async function unlockChat(
  deps: Deps,
  actor: Actor,
  input: { chatId: string },
): Promise<Outcome<{ chat: Chat }>> {
  const { store, admins } = deps;
  const rule = (c: Chat) => assertMayUnlock(c, actor);
  const before = await requireChat(store, input.chatId);
  const holder = rule(before);
  await admins.seen(actor);
  const released =
    (await store.releaseChat(input.chatId, holder, {
      actor: auditActor(actor),
      action: 'chat.unlocked',
      details: { fromAdminId: holder },
    })) ?? (await explainLostRace(store, input.chatId, rule));
  const { chat } = released;
  return {
    reply: { chat: await withCustomerContext(deps, actor, chat) },
    events: [
      emit(rooms.admins, 'chat-unlocked', { chatId: chat._id, chat }),
      // A lock on a waiting chat counted in nobody's load. The row released, not `before`:
      // its locker may have taken it (active, in their load) since.
      ...(released.before.status === 'active' ? await loadChangedEvents(deps, [holder]) : []),
    ],
    accessChanged: chat,
  };
}

export async function closeChat(
  deps: Deps,
  actor: Actor,
  input: { chatId: string },
): Promise<Outcome<{ chat: Chat }>> {
  const { store, admins } = deps;
  const rule = (c: Chat) => assertMayClose(c, actor);
  const before = await requireChat(store, input.chatId);
  rule(before);
  await admins.seen(actor);
  // Conditional on the closer still taking part (a transfer may have won the race).
  const change = await store.closeChat(input.chatId, actor, {
    actor: auditActor(actor),
    action: 'chat.closed',
    detailsFrom: (closed) => ({ fromStatus: closed.status }),
  });
  if (!change) {
    const now = await requireChat(store, input.chatId);
    // Already closed (now or by a concurrent request): closing is idempotent, nothing to tell.
    if (now.status === 'closed') return { reply: { chat: chatSeenBy(now, actor) }, events: [] };
    return explainLostRace(store, input.chatId, rule);
  }
  // What follows is decided from the row closed, not `before`: a take or a transfer may
  // have committed between the two.
  const { chat: closed, before: was } = change;
  return {
    reply: { chat: await withCustomerContext(deps, actor, chatSeenBy(closed, actor)) },
    events: [
      // Carries who could view it until now (closing changes only its status): a socket of
      // the room that lost it before, its leave not applied on its node yet (or lost with
      // Redis), does not hear it close.
      emit(
        [rooms.chat(closed._id), rooms.user(closed.userId)],
        'chat-closed',
        { chatId: closed._id },
        { viewersOf: { ...closed, status: was.status } },
      ),
      // The holder's load went down.
      ...(was.status === 'active' ? await loadChangedEvents(deps, [closed.assignedAdminId]) : []),
    ],
    accessChanged: closed,
  };
}

/** v2's POST /status: the user (or a superadmin) says whether they are online. */
export async function setPresence(
  deps: Deps,
  actor: Actor,
  input: { userId: string; online: boolean },
): Promise<Outcome<{ chat: Chat | null }>> {
  assertActsForUser(actor, input.userId);
  return recordPresence(deps, input.userId, input.online);
}

/**
 * A change of presence the server itself saw (sockets coming and going): stored on the
 * user's open chat and announced to whoever hears about that chat. The reply is the
 * user's (join-user's ack, POST /api/status), so it carries the chat as a user sees it.
 */
export async function recordPresence(
  { store }: Deps,
  userId: string,
  online: boolean,
): Promise<Outcome<{ chat: Chat | null }>> {
  const chat = await store.setUserOnline(userId, online);
  return {
    reply: { chat: chat ? chatSeenBy(chat, USER_VIEW) : null },
    events: [
      emit(adminAudience(chat), 'user-status', { chatId: chat?._id ?? null, userId, online }),
    ],
  };
}

/** A chat the actor may see (joining its room, reading it). */
export async function viewChat({ store }: Deps, actor: Actor, chatId: string): Promise<Chat> {
  const chat = await requireChat(store, chatId);
  assertMayView(chat, actor);
  return chat;
}
