/** Who an audit entry names as acting: the request's actor as the token (or payload) gave it. */
import type { Actor } from '../auth/actor.js';
import type { AuditActor } from './chain.js';

/** v2's anonymous caller has no id: the log still says that nobody in particular acted. */
const ANONYMOUS_ACTOR: AuditActor = Object.freeze({ id: '', role: 'anonymous', name: '' });

export function auditActor(actor: Actor): AuditActor {
  if (actor.kind === 'anonymous') return ANONYMOUS_ACTOR;
  return { id: actor.id, role: actor.role, name: actor.name };
}
