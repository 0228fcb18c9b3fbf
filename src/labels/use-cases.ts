/**
 * Chat labels: an admin who may view a chat replaces its whole set; every admin hears the
 * new set (`chat-labels`, on every node). The set arrives trimmed and deduplicated by its
 * schema (LabelsBody); users never get labels (chatSeenBy).
 */
import { auditActor } from '../audit/actor.js';
import type { Actor } from '../auth/actor.js';
import { isAdmin } from '../auth/roles.js';
import { withCustomerContext } from '../chats/customer-context.js';
import { assertMayView } from '../chats/rules.js';
import type { Deps } from '../deps.js';
import { chatNotFound, Forbidden } from '../errors.js';
import { emit, type Outcome } from '../outcome.js';
import { rooms } from '../schemas/rooms.js';
import type { Chat } from '../schemas/shapes.js';
import { distinctLabels } from '../schemas/text-rules.js';
import { requireChat } from '../store/store.js';

export async function setChatLabels(
  deps: Deps,
  actor: Actor,
  input: { chatId: string; labels: readonly string[] },
): Promise<Outcome<{ chat: Chat }>> {
  const { store, admins } = deps;
  if (!isAdmin(actor)) throw new Forbidden('Only admins may label chats');
  assertMayView(await requireChat(store, input.chatId), actor);
  await admins.seen(actor);
  const chat = await store.setChatLabels(input.chatId, input.labels, {
    actor: auditActor(actor),
    action: 'chat.labelled',
    details: { labels: JSON.stringify(distinctLabels(input.labels)) },
  });
  if (!chat) throw chatNotFound(input.chatId);
  const labels = chat.labels ?? [];
  return {
    // A reply to an admin, so with the customer's context, as the lists give it.
    reply: { chat: await withCustomerContext(deps, actor, chat) },
    events: [emit(rooms.admins, 'chat-labels', { chatId: chat._id, labels })],
    chatChanged: chat,
  };
}
