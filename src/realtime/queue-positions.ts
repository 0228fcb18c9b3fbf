/**
 * `queue-position` to waiting users, cheap with thousands of them. Each node tells only
 * its own sockets: whenever the queue may have changed (a chat opened, taken, released
 * or closed, here or on another node), it waits queuePositionCoalesceMs for more news,
 * then reads the waiting order once (one index range) and emits to each local waiting
 * user whose position or estimate (to the minute) differs from what that user was last
 * told; `waiting` is as of that event. A burst of assignments costs each node one read and one pass over the order,
 * not a query per waiting user per assignment; nothing per user crosses Redis.
 * A user joining (their `user-<id>` room) is told afresh; a user whose chat stopped
 * waiting hears position null once. While users wait here the node reads again every
 * queueRefreshMs without news (a notice lost while Redis was away, the estimate aging).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../deps.js';
import { type QueuePosition, queuePositionOf } from '../desk/estimate.js';
import type { WithDesk } from '../desk/services.js';
import { type Emit, emit } from '../outcome.js';
import { rooms } from '../schemas/rooms.js';
import { TUNABLES } from '../tunables.js';
import type { Publish } from './publish.js';
import type { ChatServer } from './types.js';

const USER_ROOM = rooms.user('');

/**
 * What a person reads of a position: the place, and the estimate to the minute. Only a
 * change of these is sent: chats opened behind a user change `waiting` (and, through it,
 * the estimate by seconds) for everyone, and telling 5,000 users of every new chat would
 * cost as much as an assignment does, to show them the same sentence.
 */
function readAs(p: QueuePosition): string {
  const minutes =
    p.estimatedWaitSeconds === null ? 'none' : Math.round(p.estimatedWaitSeconds / 60);
  return `${p.chatId} ${p.position} ${minutes}`;
}

interface Told {
  chatId: string;
  /** What the user reads of the last one sent (see `readAs`). */
  key: string;
}

export interface QueuePositions {
  /** `publish`, plus noticing what moves the queue. */
  publish: Publish;
  stop(): void;
}

export function trackQueuePositions(
  io: ChatServer,
  deps: Deps & WithDesk,
  publish: Publish,
  log: FastifyBaseLogger,
  clustered: boolean,
): QueuePositions {
  const told = new Map<string, Told>();
  const userRooms = new Set<string>();
  const adapter = io.of('/').adapter;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const hasSockets = (userId: string) => (adapter.rooms.get(rooms.user(userId))?.size ?? 0) > 0;

  async function refresh(): Promise<void> {
    if (userRooms.size === 0) {
      told.clear();
      return;
    }
    const max = TUNABLES.queuePositionsMax.value;
    const order = await deps.store.waitingOrder(max);
    const medianWait = order.length > 0 ? await deps.desk.medianWait.get() : null;
    const events: Emit[] = [];
    const waitingHere = new Set<string>();
    order.forEach((entry, i) => {
      if (!hasSockets(entry.userId)) return;
      waitingHere.add(entry.userId);
      const p = queuePositionOf(entry.chatId, i + 1, order.length, medianWait);
      const key = readAs(p);
      if (told.get(entry.userId)?.key === key) return;
      told.set(entry.userId, { chatId: entry.chatId, key });
      events.push(emit(rooms.user(entry.userId), 'queue-position', p, { local: true }));
    });
    // Beyond the first `max`, a user not read is not known to have left the queue.
    const complete = order.length < max;
    for (const [userId, last] of told) {
      if (waitingHere.has(userId)) continue;
      told.delete(userId);
      if (complete && hasSockets(userId)) {
        const gone = queuePositionOf(last.chatId, null, order.length, medianWait);
        events.push(emit(rooms.user(userId), 'queue-position', gone, { local: true }));
      }
    }
    // In slices, each in a turn of its own: 5,000 frames at once would hold the event
    // loop (and every message's acknowledgement on this node) for over 100 ms.
    const slice = TUNABLES.queuePositionsPerTurn.value;
    for (let i = 0; i < events.length; i += slice) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      publish({ events: events.slice(i, i + slice) });
    }
  }

  function run(): void {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = refresh()
      .catch((err: unknown) => log.warn({ err }, 'could not tell waiting users their position'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          changed();
        }
      });
  }

  function changed(): void {
    if (timer || stopped) return;
    timer = setTimeout(run, TUNABLES.queuePositionCoalesceMs.value);
  }

  adapter.on('create-room', (room: string) => {
    if (room.startsWith(USER_ROOM)) userRooms.add(room);
  });
  adapter.on('delete-room', (room: string) => userRooms.delete(room));
  adapter.on('join-room', (room: string) => {
    if (!room.startsWith(USER_ROOM)) return;
    // A user (another tab, a reconnect) is told where they stand, whatever was told before.
    told.delete(room.slice(USER_ROOM.length));
    changed();
  });
  io.on('chat-changed', changed);
  io.on('queue-changed', changed);
  const aging = setInterval(() => {
    if (told.size > 0) changed();
  }, TUNABLES.queueRefreshMs.value);
  aging.unref();

  return {
    publish: (effects, origin) => {
      publish(effects, origin);
      const opened = effects.events.some((e) => e.event === 'new-chat');
      if (!opened && !effects.accessChanged) return;
      changed();
      // Another node hears of a taken or closed chat as chat-changed (publish.ts).
      if (opened && clustered) io.serverSideEmit('queue-changed');
    },
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      clearInterval(aging);
    },
  };
}
