/**
 * The Redis connection of a node (REDIS_URL). Commands fail at once while Redis is
 * unreachable instead of queueing (`disableOfflineQueue`), and fail after
 * REDIS_COMMAND_TIMEOUT_MS while it is connected but silent (hang-watch.ts): a Redis
 * outage must degrade cross-node delivery, not stall local work. The client reconnects by
 * itself; `probe()` is what /health reports. A node started while Redis is away starts as
 * one that lost it: it serves its own sockets and joins once Redis answers. What a node
 * must redo when Redis answers again after an outage (what it missed meanwhile) is
 * `onReturn`'s; /health says "down" until that is done.
 */
import { RedisClient as BaseClient, createClient } from 'redis';
import { TUNABLES } from '../tunables.js';
import { HangWatch, RedisTimeoutError } from './hang-watch.js';
import { type Prefixed, prefixedBy } from './prefix.js';
import { within } from './within.js';

const socketOptions = {
  // Passed on to net.createConnection (not in node-redis's own option types). node-redis
  // corks its socket, writes queued commands until the socket's buffer passes this, then
  // waits for 'drain' and a turn of the event loop before the next batch.
  writableHighWaterMark: TUNABLES.redisWriteBufferBytes.value,
  connectTimeout: TUNABLES.redisConnectTimeoutMs.value,
  // Back off between attempts, forever: Redis coming back is routine.
  reconnectStrategy: (retries: number) =>
    Math.min(100 * 2 ** retries, TUNABLES.redisReconnectMaxMs.value),
};

const newClient = (url: string) =>
  createClient({
    url,
    disableOfflineQueue: true,
    socket: socketOptions,
    // node-redis gives every command a 5 s timeout for waiting in its queue by default: a
    // timer per command, which fires (and builds a DOMException) 5 s later even after the
    // reply came, ~3% of a busy node's CPU. Commands here fail at once or are written at
    // once; the wait for an answer is hang-watch.ts's, one timer for all commands.
    commandOptions: { timeout: 0 },
  });

export type RedisClient = ReturnType<typeof newClient>;
export type RedisState = 'up' | 'down' | 'disabled';

export interface Redis {
  /** Its commands time out (duplicates of it do not: the adapter's blocking reader). */
  client: RedisClient;
  /** Every name this deployment gives to something in Redis, under its REDIS_PREFIX. */
  prefixed: Prefixed;
  /** Settles once Redis first answers (never, if it never does). */
  ready: Promise<void>;
  /** What is known without asking: connected, answering, and settled after an outage. */
  state(): RedisState;
  /** Asks Redis (a PING, within the command timeout). */
  probe(): Promise<RedisState>;
  /** Runs after every outage, once Redis answers again (not at the first connect). */
  onReturn(listener: () => Promise<void>): void;
  close(): Promise<void>;
}

export interface RedisOptions {
  /** How long a command may wait for Redis's answer (REDIS_COMMAND_TIMEOUT_MS). */
  commandTimeoutMs?: number;
  /** Each command given up on (timed out, or refused while Redis is silent). */
  onTimeout?: () => void;
  /** REDIS_PREFIX: what this deployment's names start with (prefix.ts). */
  prefix?: string | undefined;
}

/**
 * Where node-redis keeps its commands: `createClient` makes a subclass of RedisClient
 * whose prototype holds one method per command. RedisClient's own methods (connect,
 * duplicate, the event emitter's) are not commands.
 */
function commandsOf(client: RedisClient): object {
  for (let p: object | null = client; p; p = Object.getPrototypeOf(p)) {
    if (Object.getPrototypeOf(p) === BaseClient.prototype) return p;
  }
  throw new Error('not a node-redis client');
}

type AnyFunction = (...args: unknown[]) => unknown;

/** A MULTI whose exec (in any of its forms) is watched; its chained calls keep the watch. */
function watchedMulti(multi: object, watch: HangWatch): object {
  const proxy: object = new Proxy(multi, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = (value as AnyFunction).bind(target);
      if (typeof property === 'string' && /^exec/i.test(property)) {
        return (...args: unknown[]) => watch.watch(() => Promise.resolve(bound(...args)));
      }
      return (...args: unknown[]) => {
        const result = bound(...args);
        return result === target ? proxy : result;
      };
    },
  });
  return proxy;
}

/** The client with every command (typed, raw sendCommand, MULTI's exec) under the watch. */
function watchedClient(client: RedisClient, watch: HangWatch): RedisClient {
  const commands = commandsOf(client);
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // Bound to the client itself: its methods use private fields a proxy does not have.
      const bound = (value as AnyFunction).bind(target);
      if (property === 'multi' || property === 'MULTI') {
        return (...args: unknown[]) => watchedMulti(bound(...args) as object, watch);
      }
      const isCommand =
        property === 'sendCommand' || (property !== 'Multi' && Object.hasOwn(commands, property));
      if (!isCommand) return bound;
      return (...args: unknown[]) => watch.watch(() => Promise.resolve(bound(...args)));
    },
  });
}

/**
 * Gives a connection up and makes a new one. One silent past the timeout may never answer
 * again (a NAT or proxy on its path forgot it, the Redis behind the address was replaced)
 * while the kernel reports its end only after many minutes of retries; a Redis that is
 * merely stopped answers the new one when it wakes, as it would the old. The new
 * connection has none of the old one's subscriptions.
 */
export function connectAnew(client: RedisClient): void {
  client.destroy();
  client.connect().catch(() => undefined);
}

export function connectRedis(
  url: string,
  onError: (err: Error) => void,
  options: RedisOptions = {},
): Redis {
  const timeoutMs = options.commandTimeoutMs ?? TUNABLES.redisCommandTimeoutMs.value;
  const raw = newClient(url);
  /** Redis was lost (connection or answers) after it had answered: a return is due. */
  let lost = false;
  let everReady = false;
  /** onReturn's listeners are running. */
  let settling = false;
  const returnListeners: (() => Promise<void>)[] = [];

  const returned = async () => {
    if (!lost || !raw.isReady) return;
    lost = false;
    settling = true;
    try {
      for (const listener of returnListeners) await listener();
    } catch (err) {
      onError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      settling = false;
    }
  };

  const watch = new HangWatch(timeoutMs, {
    hung: () => {
      lost = true;
      // Once per hang, whatever the last connection error was.
      onError(new RedisTimeoutError(timeoutMs));
      if (raw.isReady) connectAnew(raw);
    },
    timedOut: () => options.onTimeout?.(),
    answered: () => void returned(),
  });

  // Without a listener an 'error' event would crash the process.
  let lastError = '';
  raw.on('error', (err: Error) => {
    if (everReady) lost = true;
    if (err.message !== lastError) onError(err);
    lastError = err.message;
  });
  raw.on('ready', () => {
    lastError = '';
    // A new connection is not a silent one.
    watch.reset();
    if (everReady) void returned();
    everReady = true;
  });
  // connect() resolves only once Redis answers, retrying forever; it rejects only when the
  // client is closed first (a node stopped before Redis came).
  const ready = raw.connect().then(
    () => undefined,
    () => new Promise<void>(() => {}),
  );
  const client = watchedClient(raw, watch);
  const state = (): RedisState => (raw.isReady && !watch.hung && !settling ? 'up' : 'down');
  return {
    client,
    prefixed: prefixedBy(options.prefix),
    ready,
    state,
    probe: async () => {
      if (state() === 'down') return 'down';
      try {
        await client.ping();
        return state();
      } catch {
        return 'down';
      }
    },
    onReturn: (listener) => {
      returnListeners.push(listener);
    },
    close: async () => {
      if (!raw.isOpen) return;
      // close() waits for the answers to commands in flight: not for ever from a silent Redis.
      const closed = raw.close().then(
        () => true,
        () => false,
      );
      if (!(await within(closed, timeoutMs, false)) && raw.isOpen) raw.destroy();
    },
  };
}
