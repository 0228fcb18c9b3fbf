/**
 * What an agent is on the wire, and what "available" means: pure, with no errors or I/O,
 * so that the agents' rules, routing, the desk and the console decide alike.
 */
import { type Actor, isAdmin, isSuperAdmin, type Person } from '../auth/roles.js';
import type { Agent } from '../schemas/shapes.js';
import type { Availability } from '../schemas/vocabulary.js';

/** What the store remembers of an agent (null: never chosen). */
export interface AgentChoices {
  adminId: string;
  adminName: string;
  availability: Availability | null;
  maxChats: number | null;
  activeChats: number;
}

/**
 * A join makes an admin available unless they chose away before; a superadmin oversees
 * and is routed to only after choosing available themself.
 */
export const defaultAvailability = (admin: Person): Availability =>
  isSuperAdmin(admin) ? 'away' : 'available';

/** The wire shape: a never-chosen availability reads as an admin's default. */
export function agentOf(choices: AgentChoices, online: boolean, defaultMaxChats: number): Agent {
  return {
    adminId: choices.adminId,
    adminName: choices.adminName,
    online,
    availability: choices.availability ?? 'available',
    activeChats: choices.activeChats,
    maxChats: choices.maxChats ?? defaultMaxChats,
  };
}

/** Below their maxChats: may be given one more chat. */
export const hasRoom = (load: Pick<Agent, 'activeChats' | 'maxChats'>): boolean =>
  load.activeChats < load.maxChats;

/** Connected on some node and chose available: someone is there, busy or not. */
export const availableNow = (agent: Agent): boolean =>
  agent.online && agent.availability === 'available';

/** Available now and with room: may be given a chat. */
export const takesChats = (agent: Agent): boolean => availableNow(agent) && hasRoom(agent);

/** Who may see the agents and set their own availability: any admin (a person, for the latter). */
export const maySeeAgents = (actor: Actor): boolean => isAdmin(actor);

/** Who may change another admin's maxChats. */
export const maySetMaxChats = (actor: Actor): boolean => isSuperAdmin(actor);
