/**
 * Presence shared by every node through Redis. Each socket is an entry of its user's
 * sorted set, scored by when it expires; the node that holds the socket pushes that time
 * forward every heartbeat. A node that dies without a goodbye stops doing so, its
 * entries expire after the TTL, and a sweep (every node runs one) removes them: the node
 * whose sweep empties a user's set is the one that reports the user offline. Every step
 * that decides a change is one Lua script, so two nodes can never both report it.
 */
import type { RedisClient } from '../cluster/redis.js';
import type { Presence } from './presence.js';

export interface PresenceTiming {
  /** How often a node renews its sockets' entries. */
  heartbeatMs: number;
  /** An entry not renewed for this long belongs to a dead node. */
  ttlMs: number;
  /** How often each node looks for expired entries: offline within ttlMs + sweepMs. */
  sweepMs: number;
  /** Keys start with this (tests keep apart; several deployments may share one Redis). */
  keyPrefix: string;
}

/** A node that died is seen within 20 s (PROTOCOL §6 allows 30). */
export const DEFAULT_TIMING: PresenceTiming = {
  heartbeatMs: 5_000,
  ttlMs: 15_000,
  sweepMs: 5_000,
  keyPrefix: 'presence:',
};

// KEYS[1] user set, KEYS[2] due; ARGV: member, now, expiry, userId. Returns 1 if the user was offline.
const CONNECT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[2], 'GT', ARGV[3], ARGV[4])
if before == 0 then return 1 end
return 0`;

// KEYS[1] user set, KEYS[2] due; ARGV: member, now, userId. Returns 1 if that was the last entry.
const DISCONNECT = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[3])
return 1`;

// KEYS[1] user set, KEYS[2] due; ARGV: now, userId. Returns 1 if expired entries were the last.
const SWEEP = `
local removed = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local left = redis.call('ZCARD', KEYS[1])
if left > 0 then
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  redis.call('ZADD', KEYS[2], newest[2], ARGV[2])
  return 0
end
redis.call('ZREM', KEYS[2], ARGV[2])
if removed > 0 then return 1 end
return 0`;

export class RedisPresence implements Presence {
  /** This node's sockets per user: renewed by the heartbeat, and the answer while Redis is away. */
  private readonly local = new Map<string, Set<string>>();
  private readonly listeners: ((userId: string, online: boolean) => void)[] = [];
  private readonly timing: PresenceTiming;
  /** Users with entries, scored by when their newest entry expires. */
  private readonly due: string;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly redis: RedisClient,
    private readonly nodeId: string,
    private readonly onError: (err: unknown) => void,
    timing: Partial<PresenceTiming> = {},
  ) {
    this.timing = { ...DEFAULT_TIMING, ...timing };
    this.due = `${this.timing.keyPrefix}due`;
    this.every(this.timing.heartbeatMs, () => this.renew());
    this.every(this.timing.sweepMs, () => this.sweep());
  }

  /** Runs `work` again `ms` after it finished: a slow run never overlaps the next. */
  private every(ms: number, work: () => Promise<void>): void {
    const next = () => {
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        work().catch(this.onError).finally(next);
      }, ms);
      timer.unref();
      this.timers.add(timer);
    };
    next();
  }

  private userKey(userId: string): string {
    return `${this.timing.keyPrefix}user:${userId}`;
  }

  private member(socketId: string): string {
    return `${this.nodeId}:${socketId}`;
  }

  /** Records the socket here; answers whether this node alone saw the user come online. */
  private addLocal(userId: string, socketId: string): boolean {
    let mine = this.local.get(userId);
    if (!mine) {
      mine = new Set();
      this.local.set(userId, mine);
    }
    const first = mine.size === 0;
    mine.add(socketId);
    return first;
  }

  private removeLocal(userId: string, socketId: string): boolean {
    const mine = this.local.get(userId);
    if (!mine?.delete(socketId)) return false;
    if (mine.size > 0) return false;
    this.local.delete(userId);
    return true;
  }

  private register(userId: string, socketId: string): Promise<unknown> {
    const now = Date.now();
    return this.redis.eval(CONNECT, {
      keys: [this.userKey(userId), this.due],
      arguments: [this.member(socketId), String(now), String(now + this.timing.ttlMs), userId],
    });
  }

  /**
   * While Redis is away, a node answers from its own sockets (other nodes' are unknown):
   * presence degrades to per node, it never refuses a connection.
   */
  async connected(userId: string, socketId: string): Promise<boolean> {
    const firstHere = this.addLocal(userId, socketId);
    try {
      return (await this.register(userId, socketId)) === 1;
    } catch (err) {
      this.onError(err);
      return firstHere;
    }
  }

  async disconnected(userId: string, socketId: string): Promise<boolean> {
    const lastHere = this.removeLocal(userId, socketId);
    try {
      const changed = await this.redis.eval(DISCONNECT, {
        keys: [this.userKey(userId), this.due],
        arguments: [this.member(socketId), String(Date.now()), userId],
      });
      return changed === 1;
    } catch (err) {
      this.onError(err);
      return lastHere;
    }
  }

  async isOnline(userId: string): Promise<boolean> {
    try {
      return (await this.redis.zCount(this.userKey(userId), Date.now(), '+inf')) > 0;
    } catch (err) {
      this.onError(err);
      return this.local.has(userId);
    }
  }

  onChange(listener: (userId: string, online: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Redis is back: this node's sockets are entered again at once, not at the next heartbeat. */
  resync(): void {
    this.renew().catch(this.onError);
  }

  private tell(userId: string, online: boolean): void {
    for (const listener of this.listeners) {
      try {
        listener(userId, online);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  /**
   * Pushes this node's entries forward, all at once (node-redis pipelines them). An entry
   * a sweep removed meanwhile (Redis was away longer than the TTL) comes back as a new
   * connection: that user is online again.
   */
  private async renew(): Promise<void> {
    if (!this.redis.isReady) return;
    const entries = [...this.local].flatMap(([userId, sockets]) =>
      [...sockets].map((socketId) => ({ userId, socketId })),
    );
    const answers = await Promise.all(entries.map((e) => this.register(e.userId, e.socketId)));
    const back = new Set(entries.filter((_, i) => answers[i] === 1).map((e) => e.userId));
    for (const userId of back) this.tell(userId, true);
  }

  private async sweep(): Promise<void> {
    if (!this.redis.isReady) return;
    const now = Date.now();
    const due = await this.redis.zRangeByScore(this.due, '-inf', now, {
      LIMIT: { offset: 0, count: 500 },
    });
    for (const userId of due) {
      const gone = await this.redis.eval(SWEEP, {
        keys: [this.userKey(userId), this.due],
        arguments: [String(now), userId],
      });
      if (gone === 1) this.tell(userId, false);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
  }
}
