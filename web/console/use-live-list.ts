/**
 * A list the console loads over REST and keeps live from events: loaded now, again every
 * `refreshMs` and after every resync (a reconnect may have missed events), and changed by
 * the events `listen` subscribes to. A failed load is quiet: the next one catches up.
 */
import { useEffect } from 'preact/hooks';
import type { ChatClient } from '../shared/client.js';

export function useLiveList(
  client: ChatClient,
  reload: () => Promise<void>,
  refreshMs: number,
  /** Subscribes to the list's events; answers the unsubscribers. */
  listen: () => (() => void)[],
): void {
  // `listen` is new each render; it is read when `client` or `reload` change, as before.
  useEffect(() => {
    const quietly = () => void reload().catch(() => {});
    quietly();
    const timer = setInterval(quietly, refreshMs);
    const offs = [client.onResync(quietly), ...listen()];
    return () => {
      clearInterval(timer);
      for (const off of offs) off();
    };
  }, [client, reload, refreshMs]);
}
