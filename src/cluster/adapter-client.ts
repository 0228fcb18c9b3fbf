/**
 * The Redis client handed to the Socket.io Streams adapter. Our connection fails
 * commands at once while Redis is unreachable (redis.ts: disableOfflineQueue), and the
 * adapter (0.3) was not written for that:
 *
 * - its stream reader sends XREAD again as soon as one fails. Failing at once, that is a
 *   chain of microtasks that never yields to the event loop: the node stops answering
 *   everything (sockets, REST, /health) while Redis is away, and stays stuck after it
 *   returns, since the reconnect timer never runs again;
 * - it sends PUBLISH (serverSideEmit) and SET (a session kept for recovery) without
 *   handling a failure: an unhandled rejection, which ends the process.
 *
 * - its subscriber sends SUBSCRIBE without a handler too. Queued while that client
 *   connects (Redis just came back, or not answering yet), it is rejected with
 *   "Disconnects client" when a node stopping then closes the client: the expected end of
 *   a command nobody waits for any more, which was reported as an unhandled rejection.
 *
 * So the clients it makes for itself (the stream reader, the subscriber) wait for Redis
 * instead of failing, and those commands' failures are handled here: an outage loses that
 * event or that session (a client then catches up with ?after=), not the node.
 * test/cluster/outages.test.ts kills Redis under load and checks both;
 * test/cluster/redis-late.test.ts stops a node whose clients are still connecting.
 */
import type { RedisClient } from '../redis/redis.js';

/** Commands the adapter sends without a rejection handler. */
const FIRE_AND_FORGET = new Set<PropertyKey>(['publish', 'sPublish', 'set']);
/** What the adapter's subscriber sends without a rejection handler. */
const SUBSCRIPTIONS = new Set<PropertyKey>(['subscribe', 'sSubscribe', 'SUBSCRIBE', 'SSUBSCRIBE']);

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * `client` seen through a proxy: its methods bound to the client itself (they use private
 * fields a proxy does not have), and `replace` answering for the ones it changes.
 */
export function withMethods(
  client: RedisClient,
  replace: (property: PropertyKey, bound: AnyFunction) => AnyFunction | undefined,
): RedisClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = (value as AnyFunction).bind(target);
      return replace(property, bound) ?? bound;
    },
  });
}

/**
 * A client of the adapter's own: its subscriptions' failures are seen here, and still
 * reach a caller that waits for them (room-channels.ts does), as the same promise.
 */
function duplicateOf(client: RedisClient, onError: (err: unknown) => void): RedisClient {
  return withMethods(client.duplicate({ disableOfflineQueue: false }), (property, bound) =>
    SUBSCRIPTIONS.has(property)
      ? (...args) => {
          const answer = bound(...args);
          if (answer instanceof Promise) answer.catch(onError);
          return answer;
        }
      : undefined,
  );
}

export function adapterClient(client: RedisClient, onError: (err: unknown) => void): RedisClient {
  return withMethods(client, (property, bound) => {
    if (property === 'duplicate') return () => duplicateOf(client, onError);
    if (!FIRE_AND_FORGET.has(property)) return undefined;
    return (...args) =>
      Promise.resolve(bound(...args)).catch((err: unknown) => {
        onError(err);
        return undefined;
      });
  });
}
