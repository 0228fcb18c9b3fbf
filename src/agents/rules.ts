/** Who may do what with agents: each rule refuses with the reason (status.ts says the same as booleans). */
import type { Actor, Person } from '../auth/roles.js';
import { Forbidden } from '../errors.js';
import { maySeeAgents, maySetMaxChats } from './status.js';

export function assertMaySeeAgents(actor: Actor): void {
  if (!maySeeAgents(actor)) throw new Forbidden('Only admins may list agents');
}

/** Availability is one's own: the caller must be an admin who names themself. */
export function assertMaySetAvailability(actor: Actor): Person {
  if (actor.kind !== 'person' || !maySeeAgents(actor)) {
    throw new Forbidden(
      'Only an admin may set their availability: join as one, or name yourself (adminId)',
    );
  }
  return actor;
}

export function assertMaySetMaxChats(actor: Actor): void {
  if (!maySetMaxChats(actor)) throw new Forbidden("Only superadmins may set an agent's maxChats");
}
