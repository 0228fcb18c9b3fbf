/**
 * Agents' availability and capacity: each use case takes (deps, actor, input) and returns
 * the reply and the `agent-status` events to publish. Whether an admin is online is
 * presence's (the agents' own Presence, one owner across nodes), not this node's sockets.
 */

import type { Admins } from '../admins/known-admins.js';
import { auditActor } from '../audit/actor.js';
import type { Actor, Person } from '../auth/roles.js';
import { adminNotFound } from '../errors.js';
import { type Emit, emit, type Outcome } from '../outcome.js';
import type { Presence } from '../presence/presence.js';
import { rooms } from '../schemas/rooms.js';
import type { Agent } from '../schemas/shapes.js';
import type { Availability } from '../schemas/vocabulary.js';
import type { AgentRecord, Store } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import { assertMaySeeAgents, assertMaySetAvailability, assertMaySetMaxChats } from './rules.js';
import { agentOf, defaultAvailability } from './status.js';

/** The part of Deps these need (deps.ts names them). */
export interface AgentDeps {
  store: Store;
  /** Which admins are connected, on any node: join-admin sockets. */
  agentPresence: Presence;
  /** ROUTING_MAX_CHATS: an admin's maxChats until a superadmin sets theirs. */
  defaultMaxChats: number;
}

/** The agents the store remembers, as they are now: connected on some node or not. */
export function agentsNow(
  deps: Pick<AgentDeps, 'agentPresence' | 'defaultMaxChats'>,
  records: readonly AgentRecord[],
): Promise<Agent[]> {
  return Promise.all(
    records.map(async (r) =>
      agentOf(r, await deps.agentPresence.isOnline(r.adminId), deps.defaultMaxChats),
    ),
  );
}

/** The named admins as agents now (those the server does not know are left out). */
async function agentsNamed(deps: AgentDeps, adminIds: readonly string[]): Promise<Agent[]> {
  return agentsNow(deps, await deps.store.listAgents({ adminIds: [...new Set(adminIds)] }));
}

/**
 * `agent-status` for each named admin, as they are now: after a change of their
 * availability, connection, load or maxChats.
 */
export async function agentStatusEvents(
  deps: AgentDeps,
  adminIds: readonly (string | null)[],
): Promise<Emit[]> {
  const named = adminIds.filter((id): id is string => id !== null);
  const agents = await agentsNamed(deps, named);
  return agents.map((agent) => emit(rooms.admins, 'agent-status', agent));
}

/**
 * agent-status for the admins whose load a chat's change moved. The change is already
 * stored: a failure to read the loads must not turn it into a failed request, so it
 * costs the events only (consoles read the list again after a reconnect and each minute).
 */
export async function loadChangedEvents(
  deps: AgentDeps,
  adminIds: readonly (string | null)[],
): Promise<Emit[]> {
  return agentStatusEvents(deps, adminIds).catch(() => []);
}

/** Connected first, then the others; within each, most recently seen first. */
export async function listAgents(deps: AgentDeps, actor: Actor): Promise<{ agents: Agent[] }> {
  assertMaySeeAgents(actor);
  const agents = await agentsNow(
    deps,
    await deps.store.listAgents({ max: TUNABLES.knownAdminsListMax.value }),
  );
  return { agents: [...agents.filter((a) => a.online), ...agents.filter((a) => !a.online)] };
}

async function replyWithAgent(
  deps: AgentDeps,
  adminId: string,
): Promise<Outcome<{ agent: Agent }>> {
  const [agent] = await agentsNamed(deps, [adminId]);
  if (!agent) throw adminNotFound('adminId', adminId);
  return { reply: { agent }, events: [emit(rooms.admins, 'agent-status', agent)] };
}

/** The caller's own choice, remembered for their next connections. */
export async function setAvailability(
  deps: AgentDeps & { admins: Admins },
  actor: Actor,
  input: { status: Availability },
): Promise<Outcome<{ agent: Agent }>> {
  const admin = assertMaySetAvailability(actor);
  // Known from now on (listed), as any admin who acts.
  await deps.admins.seen(admin);
  await deps.store.setAgentAvailability(admin.id, input.status, {
    actor: auditActor(admin),
    action: 'agent.availability',
    chatId: null,
    details: { adminId: admin.id, status: input.status },
  });
  return replyWithAgent(deps, admin.id);
}

/** A superadmin sets how many active chats the admin may hold; the admin must be known. */
export async function setMaxChats(
  deps: AgentDeps,
  actor: Actor,
  input: { adminId: string; maxChats: number },
): Promise<Outcome<{ agent: Agent }>> {
  assertMaySetMaxChats(actor);
  if (!(await deps.store.isKnownAdmin(input.adminId)))
    throw adminNotFound('adminId', input.adminId);
  await deps.store.setAgentMaxChats(input.adminId, input.maxChats, {
    actor: auditActor(actor),
    action: 'agent.capacity',
    chatId: null,
    details: { adminId: input.adminId, maxChats: input.maxChats },
  });
  return replyWithAgent(deps, input.adminId);
}

/**
 * An admin is joining: their role's default availability is stored before their socket
 * holds their presence, so that routing, which takes whoever is connected and available,
 * never sees them connected under a default their role does not give (an admin's available
 * while this join is a superadmin's). True when it changed their availability.
 */
export function agentJoining(deps: AgentDeps, admin: Person): Promise<boolean> {
  return deps.store.joinAgent(admin.id, defaultAvailability(admin));
}

/**
 * An admin joined: others hear of them if this changed them (they came online, or a
 * superadmin's join made them away while another socket of theirs was online).
 */
export async function agentJoined(
  deps: AgentDeps,
  admin: Person,
  changed: boolean,
): Promise<Outcome<Record<string, never>>> {
  return { reply: {}, events: changed ? await agentStatusEvents(deps, [admin.id]) : [] };
}
