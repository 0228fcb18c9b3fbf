/**
 * Who gets the next waiting chat (ROUTING=auto), as a plain function. The store applies
 * it inside the transaction that decides (store/routing.ts), to the candidates' loads as
 * counted under their row locks, so the rule is written once and the database still
 * decides every race.
 */
import { hasRoom } from '../agents/status.js';
import type { RoutingChoiceCandidate } from '../store/store.js';

/** An admin who may be routed to (online and available), with their load. */
export type RoutingCandidate = RoutingChoiceCandidate;

/** Plain code-unit order: ids and ISO times are ASCII, where every database's order agrees. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Fewest active chats first; between equals, the one whose last assignment is oldest
 * (never assigned: first); then by id, so that every node and database agrees.
 */
export function byRoutingOrder(a: RoutingCandidate, b: RoutingCandidate): number {
  return (
    a.activeChats - b.activeChats ||
    compareText(a.lastAssignedAt ?? '', b.lastAssignedAt ?? '') ||
    compareText(a.adminId, b.adminId)
  );
}

/**
 * The admin the next chat goes to: the first with room in routing order, but not
 * `skipAdminId` (whose assignment of this chat went unanswered) while anyone else has
 * room. Undefined: nobody has room, the chat waits.
 */
export function nextAgent<C extends RoutingCandidate>(
  candidates: readonly C[],
  skipAdminId: string | null = null,
): C | undefined {
  const ordered = candidates.filter(hasRoom).sort(byRoutingOrder);
  return ordered.find((c) => c.adminId !== skipAdminId) ?? ordered[0];
}
