/**
 * CSAT: the user of a closed chat rates it once, within the rating window. The rule says
 * who may rate which chat; the store's conditional write decides races (of concurrent
 * ratings exactly one is stored), and a lost write is explained by the rule on the fresh
 * row, the window being the one thing left that the row alone cannot show.
 */
import { auditActor } from '../audit/actor.js';
import { type Actor, isUser } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { AppError, Conflict, Forbidden } from '../errors.js';
import { emit, type Outcome } from '../outcome.js';
import { rooms } from '../schemas/rooms.js';
import type { Chat, Rating } from '../schemas/shapes.js';
import { requireChat } from '../store/store.js';
import { chatSeenBy } from './permissions.js';

/** Only the chat's own user (not an admin, not a superadmin), once, after it closed. */
export function assertMayRate(chat: Chat, actor: Actor): void {
  if (!isUser(actor, chat.userId)) throw new Forbidden("Only the chat's user may rate it");
  if (chat.status !== 'closed') {
    throw new Conflict('Chat is not closed yet; rate it after it closes', 'CHAT_NOT_CLOSED');
  }
  if (chat.rating) throw new AppError('ALREADY_RATED');
}

/** Who hears of a rating: the admin who held the chat last, and every admin. */
export function ratingAudience(chat: Chat): string[] {
  return chat.assignedAdminId ? [rooms.admin(chat.assignedAdminId), rooms.admins] : [rooms.admins];
}

export async function rateChat(
  { store, ratingWindowSeconds }: Deps,
  actor: Actor,
  input: { chatId: string; score: number; comment: string | null },
): Promise<Outcome<{ rating: Rating; chat: Chat }>> {
  const chat = await requireChat(store, input.chatId);
  assertMayRate(chat, actor);
  const at = new Date();
  const closedSince = new Date(at.getTime() - ratingWindowSeconds * 1000);
  const rated = await store.rateChat(
    input.chatId,
    {
      userId: chat.userId,
      score: input.score,
      comment: input.comment,
      at: at.toISOString(),
      closedSince: closedSince.toISOString(),
    },
    {
      actor: auditActor(actor),
      action: 'chat.rated',
      details: { score: input.score, withComment: input.comment !== null },
    },
  );
  if (!rated?.rating) {
    // A concurrent rating won (the rule says so), or the window has passed.
    assertMayRate(await requireChat(store, input.chatId), actor);
    throw new AppError('RATING_EXPIRED');
  }
  return {
    // The rater is the chat's user, who never gets the admins' labels.
    reply: { rating: rated.rating, chat: chatSeenBy(rated, actor) },
    events: [
      emit(ratingAudience(rated), 'chat-rated', { chatId: rated._id, rating: rated.rating }),
    ],
  };
}
