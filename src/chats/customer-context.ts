/**
 * The customer's context: what the backend that signs a user's token knows of them (the
 * `ctx` claim: email, KYC status, recent transactions…), stored on their open chat when
 * they open or join it and shown to admins beside the chat. It comes from the verified
 * token only (tokens.ts drops one over LIMITS.customerContextBytes), is never read from a
 * payload, and is carried only on chats in REST replies to admins (lists, and the chat an
 * action answers): never to a user, never in a socket event (the chat rows' mapping,
 * rows.ts, leaves it out).
 */
import { type Actor, isAdmin } from '../auth/actor.js';
import type { CustomerContext } from '../auth/roles.js';
import type { Deps } from '../deps.js';
import type { Chat } from '../schemas/shapes.js';

/** A user acting with a token that carried `ctx`: stored on their open chat (refreshed). */
export async function recordCustomerContext({ store }: Deps, actor: Actor): Promise<void> {
  if (actor.kind !== 'person' || isAdmin(actor) || actor.ctx === undefined) return;
  await store.recordCustomerContext(actor.id, JSON.stringify(actor.ctx));
}

/** The chats with their customers' contexts for an admin; unchanged for anyone else. */
export async function withCustomerContexts(
  { store }: Deps,
  actor: Actor,
  chats: Chat[],
): Promise<Chat[]> {
  if (!isAdmin(actor) || chats.length === 0) return chats;
  const contexts = await store.customerContexts(chats.map((c) => c._id));
  return chats.map((chat) => {
    const json = contexts.get(chat._id);
    return json === undefined ? chat : { ...chat, ctx: parseCustomerContext(json) };
  });
}

/** One chat for an admin's reply, with its customer's context (events keep the chat without). */
export async function withCustomerContext(deps: Deps, actor: Actor, chat: Chat): Promise<Chat> {
  const [withContext] = await withCustomerContexts(deps, actor, [chat]);
  return withContext ?? chat;
}

/** A stored context (JSON) as the wire's object. */
export function parseCustomerContext(json: string): CustomerContext {
  const value: unknown = JSON.parse(json);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value))
    : {};
}
