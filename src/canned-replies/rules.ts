/** The refusals of canned replies, each with its reason (permissions.ts says the same as booleans). */
import type { Actor } from '../auth/roles.js';
import { Forbidden, NotFound } from '../errors.js';
import type { CannedScope } from '../schemas/vocabulary.js';
import type { CannedReplyRecord } from '../store/store.js';
import { maySeeCannedReply, mayUseCannedReplies, mayWriteCannedScope } from './permissions.js';

export function assertMayUseCannedReplies(actor: Actor): void {
  if (!mayUseCannedReplies(actor)) throw new Forbidden('Only admins have canned replies');
}

export function assertMayWriteCannedScope(actor: Actor, scope: CannedScope): void {
  if (mayWriteCannedScope(actor, scope)) return;
  throw new Forbidden(
    scope === 'team'
      ? 'Only superadmins may write team canned replies'
      : 'A personal canned reply belongs to an admin: name yourself (adminId)',
  );
}

export const cannedReplyNotFound = (id: string): NotFound =>
  new NotFound(`Canned reply ${id} not found`, 'CANNED_REPLY_NOT_FOUND');

/** The reply, if this caller may see it; another admin's personal reply does not exist for them. */
export function assertMaySeeCannedReply(
  actor: Actor,
  id: string,
  reply: CannedReplyRecord | undefined,
): CannedReplyRecord {
  if (!reply || !maySeeCannedReply(actor, reply)) throw cannedReplyNotFound(id);
  return reply;
}
