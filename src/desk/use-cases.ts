/**
 * The desk as users see it: whether it is open and when it opens, how many agents are
 * there (GET /api/desk, public), and where a waiting chat stands in the queue
 * (GET /api/chats/:chatId/queue). Hours tell users; they never stop routing.
 */
import { availableNow } from '../agents/status.js';
import { agentsNow } from '../agents/use-cases.js';
import type { Actor } from '../auth/actor.js';
import { assertMayView } from '../chats/rules.js';
import type { Deps } from '../deps.js';
import { isOpenAt, nextOpening } from '../hours/clock.js';
import type { BusinessHours } from '../hours/schedule.js';
import { requireChat } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import { median, type QueuePosition, queuePositionOf } from './estimate.js';
import { type DeskServices, type DeskStatus, Reused, type WithDesk } from './services.js';

/** Admins connected on some node who chose available (busy or not: someone is there). */
async function availableAgents(deps: Deps): Promise<number> {
  const records = await deps.store.listAgents({ max: TUNABLES.knownAdminsListMax.value });
  const agents = await agentsNow(deps, records);
  return agents.filter(availableNow).length;
}

/** Open now (always, without BUSINESS_HOURS) and, when closed, the next opening. */
export function hoursAt(
  hours: BusinessHours | undefined,
  at: number,
): Pick<DeskStatus, 'open' | 'nextOpenAt'> {
  if (!hours) return { open: true, nextOpenAt: null };
  const open = isOpenAt(hours, at);
  const next = open ? null : nextOpening(hours, at);
  return { open, nextOpenAt: next === null ? null : new Date(next).toISOString() };
}

/** The composition root's desk: its hours, and the reads it reuses for a while. */
export function createDesk(
  deps: Deps,
  hours: BusinessHours | undefined,
  clock: () => number = Date.now,
): DeskServices {
  const medianWait = new Reused(
    async () =>
      median(
        await deps.store.recentWaits(
          new Date(clock() - TUNABLES.queueEstimateWindowMs.value).toISOString(),
          TUNABLES.queueEstimateSampleMax.value,
        ),
      ),
    TUNABLES.queueEstimateCacheMs.value,
    clock,
    // No recent wait yet: the first assignment should show at once, not a cache later.
    (wait) => wait !== null,
  );
  const status = new Reused(
    async () => ({ ...hoursAt(hours, clock()), availableAgents: await availableAgents(deps) }),
    TUNABLES.deskStatusCacheMs.value,
    clock,
  );
  return { hours, medianWait, status };
}

/** GET /api/desk: for anyone, signed in or not (the widget asks before a user writes). */
export function deskStatus(deps: WithDesk): Promise<DeskStatus> {
  return deps.desk.status.get();
}

/**
 * Where the chat stands: for who may view it (its user, an admin whose queue shows it, a
 * superadmin). A chat that does not wait (taken, closed) has no position, not an error:
 * a client asking just as an agent took the chat gets an answer it can show.
 */
export async function queuePosition(
  deps: Deps & WithDesk,
  actor: Actor,
  chatId: string,
): Promise<Omit<QueuePosition, 'chatId'>> {
  const chat = await requireChat(deps.store, chatId);
  assertMayView(chat, actor);
  const [rank, medianWait] = await Promise.all([
    deps.store.queueRank(chat._id),
    deps.desk.medianWait.get(),
  ]);
  const { position, waiting, estimatedWaitSeconds } = queuePositionOf(
    chat._id,
    rank.position,
    rank.waiting,
    medianWait,
  );
  return { position, waiting, estimatedWaitSeconds };
}
