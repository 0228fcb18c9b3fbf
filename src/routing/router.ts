/**
 * ROUTING=auto on one node: drains the queue (assigns waiting chats, oldest first, while
 * anyone has room) whenever capacity may have appeared, and on a sweep every
 * `routingSweepMs`, which also applies ROUTING_REPLY_TIMEOUT. Capacity appears with
 * events this node publishes (a chat opened, closed, transferred or unlocked; an admin's
 * availability, connection, load or maxChats changed: `agent-status`), so the router
 * watches the one publish() rather than each use case. Each node drains on its own
 * events; the database decides every assignment, so nodes draining at once only take
 * turns, and the sweep covers a change whose node died before it drained.
 */
import type { Logger } from 'pino';
import type { Deps } from '../deps.js';
import type { Effects } from '../outcome.js';
import type { Publish } from '../realtime/publish.js';
import type { ServerEventName } from '../schemas/events.js';
import { TUNABLES } from '../tunables.js';
import {
  anyChatWaits,
  requeueUnanswered,
  routeWaitingChats,
  routingCandidates,
} from './use-cases.js';

export interface RouterOptions {
  sweepMs: number;
  /** ROUTING_REPLY_TIMEOUT in ms; undefined: assignments never time out. */
  replyTimeoutMs: number | undefined;
}

export interface Router {
  /** Capacity may have appeared: drain now (or once more after the drain under way). */
  nudge(): void;
  /** No drain or sweep starts after this; resolves when the one under way has finished. */
  stop(): Promise<void>;
}

/** The events after which a waiting chat may find an admin with room. */
const CAPACITY_EVENTS: ReadonlySet<ServerEventName> = new Set<ServerEventName>([
  'new-chat',
  'chat-closed',
  'chat-unlocked',
  'chat-transferred-in',
  'agent-status',
]);

export const freesCapacity = ({ events }: Effects): boolean =>
  events.some((e) => CAPACITY_EVENTS.has(e.event));

export function startRouter(
  deps: Deps,
  publish: Publish,
  options: RouterOptions,
  log: Pick<Logger, 'warn'>,
): Router {
  let draining: Promise<void> | undefined;
  let again = false;
  let sweeping = false;
  let stopped = false;

  const drainOnce = async () => {
    const candidates = await routingCandidates(deps);
    if (candidates.length === 0) return;
    while (!stopped) {
      const outcomes = await routeWaitingChats(deps, candidates);
      for (const outcome of outcomes) publish(outcome);
      // Short of a full batch: nothing else waits, or nobody else has room (a change since
      // has nudged again), so no second transaction just to find that out.
      if (outcomes.length < TUNABLES.routingBatchMax.value) return;
    }
  };

  const nudge = () => {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    again = false;
    draining = drainOnce()
      .catch((err: unknown) => log.warn({ err }, 'could not route the waiting chats'))
      .finally(() => {
        draining = undefined;
        if (again) nudge();
      });
  };

  const sweep = async () => {
    if (options.replyTimeoutMs !== undefined) {
      for (const outcome of await requeueUnanswered(deps, options.replyTimeoutMs)) {
        publish(outcome);
      }
    }
    // An empty queue costs the sweep this one read, not the agents' lock.
    if (await anyChatWaits(deps)) nudge();
  };

  const timer = setInterval(() => {
    if (sweeping || stopped) return;
    sweeping = true;
    sweep()
      .catch((err: unknown) =>
        log.warn({ err }, 'the routing sweep failed (it runs again in routingSweepMs)'),
      )
      .finally(() => {
        sweeping = false;
      });
  }, options.sweepMs);
  timer.unref();

  return {
    nudge,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await draining;
    },
  };
}

/** The publish() every transport uses: the same, and the router hears of new capacity. */
export function nudgingRouter(publish: Publish, router: Router): Publish {
  return (effects, origin) => {
    publish(effects, origin);
    if (freesCapacity(effects)) router.nudge();
  };
}
