/**
 * Automatic assignment's use cases (ROUTING=auto): who may be routed to now, one
 * assignment of the oldest waiting chat, and taking unanswered assignments back. Each
 * returns what to publish; the store decides every assignment (store/routing.ts), so
 * nodes running these at the same time cannot give a chat twice or an admin too many.
 * There is no caller: the server acts, as it does for presence.
 */
import { agentOf, takesChats } from '../agents/status.js';
import { type AgentDeps, loadChangedEvents } from '../agents/use-cases.js';
import { emit, type Outcome } from '../outcome.js';
import { rooms } from '../schemas/rooms.js';
import type { Chat } from '../schemas/shapes.js';
import { TUNABLES } from '../tunables.js';
import { nextAgent } from './rules.js';

/** Those of `adminIds` connected now on some node (presence), in the same order. */
async function connectedOf(deps: AgentDeps, adminIds: readonly string[]): Promise<string[]> {
  const online = await Promise.all(adminIds.map((id) => deps.agentPresence.isOnline(id)));
  return adminIds.filter((_, i) => online[i]);
}

/**
 * The admins a chat may go to now: connected on some node (presence), available, and
 * below their maxChats as last counted. The store counts again under lock, and asks
 * presence again before it commits; this only spares it a transaction when nobody could
 * take a chat.
 */
export async function routingCandidates(deps: AgentDeps): Promise<string[]> {
  const records = await deps.store.listAgents({ max: TUNABLES.knownAdminsListMax.value });
  // Online is asked of presence only for those who would take a chat if they were.
  const willing = records.map((r) => agentOf(r, true, deps.defaultMaxChats)).filter(takesChats);
  return connectedOf(
    deps,
    willing.map((a) => a.adminId),
  );
}

/** Whether any chat waits for routing (not locked by someone: those wait to be taken by hand). */
export async function anyChatWaits(deps: AgentDeps): Promise<boolean> {
  const first = await deps.store.listChats(
    { kind: 'waiting', viewer: { adminId: null, seesLocked: false } },
    1,
  );
  return first.length > 0;
}

/**
 * The oldest waiting chats (up to `routingBatchMax`), each to the admin the rule picks
 * among `candidates` (the store applies it under lock): per chat the events of
 * `POST /api/chats/assign` (chat-taken to admins, admin-joined to the user) and
 * `chat-assigned` to the admin; after them one agent-status per admin whose load rose.
 * Empty: nothing was assigned.
 */
export async function routeWaitingChats(
  deps: AgentDeps,
  candidates: readonly string[],
): Promise<Outcome<{ chat: Chat }>[]> {
  const assigned = await deps.store.assignWaiting(candidates, {
    defaultMaxChats: deps.defaultMaxChats,
    max: TUNABLES.routingBatchMax.value,
    choose: nextAgent,
    // Whoever left since `candidates` were read is given nothing (store/routing.ts).
    connected: (adminIds) => connectedOf(deps, adminIds),
  });
  const outcomes: Outcome<{ chat: Chat }>[] = assigned.map(({ chat, adminId, adminName }) => ({
    reply: { chat },
    events: [
      emit(rooms.admins, 'chat-taken', { chatId: chat._id, adminId, adminName }),
      emit(rooms.user(chat.userId), 'admin-joined', { chatId: chat._id, adminName }),
      emit(rooms.admin(adminId), 'chat-assigned', { chatId: chat._id, adminId, adminName, chat }),
    ],
    accessChanged: chat,
  }));
  const last = outcomes.at(-1);
  if (last)
    last.events.push(
      ...(await loadChangedEvents(
        deps,
        assigned.map((a) => a.adminId),
      )),
    );
  return outcomes;
}

/**
 * ROUTING_REPLY_TIMEOUT: automatic assignments older than `timeoutMs` that their admin
 * left unanswered go back to the queue, each announced as an unlock is (`chat-unlocked`
 * to admins: the chat waits again, and its admin leaves its room) with the admin's new
 * load. The next assignment tells the user who joined (`admin-joined`).
 */
export async function requeueUnanswered(
  deps: AgentDeps,
  timeoutMs: number,
  now: number = Date.now(),
): Promise<Outcome<{ chat: Chat }>[]> {
  const cutoff = new Date(now - timeoutMs).toISOString();
  const requeued = await deps.store.requeueUnanswered(cutoff, TUNABLES.routingRequeueMax.value);
  return Promise.all(
    requeued.map(async ({ chat, fromAdminId }) => ({
      reply: { chat },
      events: [
        emit(rooms.admins, 'chat-unlocked', { chatId: chat._id, chat }),
        ...(await loadChangedEvents(deps, [fromAdminId])),
      ],
      accessChanged: chat,
    })),
  );
}
