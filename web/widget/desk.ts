/**
 * What the widget tells a user before an agent answers: whether the desk is there
 * (`GET /api/desk`, asked on start, every minute and after every reconnect) and where
 * their waiting chat stands (`queue-position`, live). Times and durations in the user's
 * language and their browser's time zone.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ServerEventPayload } from '../../src/schemas/events.js';
import type { RestSuccess } from '../../src/schemas/rest.js';
import type { ChatClient } from '../shared/client.js';
import { formatDate } from '../shared/dates.js';
import type { Lang } from '../shared/i18n/index.js';
import { formatDuration } from '../shared/numbers.js';

export type Desk = RestSuccess<'GET /api/desk'>;
export type QueuePosition = ServerEventPayload<'queue-position'>;

const DESK_EVERY_MS = 60_000;

export function useDesk(client: ChatClient): Desk | undefined {
  const [desk, setDesk] = useState<Desk | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const load = () => {
      client
        .request('GET /api/desk', {})
        .then((d) => live && setDesk(d))
        // Without an answer the widget says nothing about the desk: it still takes messages.
        .catch(() => {});
    };
    load();
    const timer = setInterval(load, DESK_EVERY_MS);
    const off = client.onResync(load);
    return () => {
      live = false;
      clearInterval(timer);
      off();
    };
  }, [client]);
  return desk;
}

/** The latest queue-position the server sent (for whichever chat: the caller matches it). */
export function useQueuePosition(client: ChatClient): QueuePosition | undefined {
  const [queue, setQueue] = useState<QueuePosition | undefined>(undefined);
  useEffect(() => client.on('queue-position', setQueue), [client]);
  return queue;
}

/** "about 4 minutes": whole minutes, at least one, in the user's language. */
export function waitWords(seconds: number, lang: Lang): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return formatDuration(minutes, 'minute', lang, 'long');
}

/** When the desk opens, in the user's zone: the time today, else the weekday and time. */
export function openingWords(iso: string, lang: Lang, now = Date.now()): string {
  const at = Date.parse(iso);
  const day = (t: number) => new Date(t).toDateString();
  return formatDate(at, lang, undefined, {
    ...(day(at) === day(now) ? {} : { weekday: 'short' }),
    hour: 'numeric',
    minute: '2-digit',
  });
}
