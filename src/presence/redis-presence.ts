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
  /** This node's sockets per user, renewed by the heartbeat. */
  private readonly local = new Map<string, Set<string>>();
  private readonly listeners: ((userId: string, online: boolean) => void)[] = [];
  private readonly timers: NodeJS.Timeout[];

  private readonly timing: PresenceTiming;
  /** Users with entries, scored by when their newest entry expires. */
  private readonly due: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly nodeId: string,
    onError: (err: unknown) => void,
    timing: Partial<PresenceTiming> = {},
  ) {
    this.timing = { ...DEFAULT_TIMING, ...timing };
    this.due = `${this.timing.keyPrefix}due`;
    this.timers = [
      setInterval(() => void this.renew().catch(onError), this.timing.heartbeatMs),
      setInterval(() => void this.sweep().catch(onError), this.timing.sweepMs),
    ];
    for (const t of this.timers) t.unref();
  }

  private userKey(userId: string): string {
    return `${this.timing.keyPrefix}user:${userId}`;
  }

  private member(socketId: string): string {
    return `${this.nodeId}:${socketId}`;
  }

  async connected(userId: string, socketId: string): Promise<boolean> {
    let mine = this.local.get(userId);
    if (!mine) {
      mine = new Set();
      this.local.set(userId, mine);
    }
    mine.add(socketId);
    const now = Date.now();
    const changed = await this.redis.eval(CONNECT, {
      keys: [this.userKey(userId), this.due],
      arguments: [this.member(socketId), String(now), String(now + this.timing.ttlMs), userId],
    });
    return changed === 1;
  }

  async disconnected(userId: string, socketId: string): Promise<boolean> {
    const mine = this.local.get(userId);
    mine?.delete(socketId);
    if (mine?.size === 0) this.local.delete(userId);
    const changed = await this.redis.eval(DISCONNECT, {
      keys: [this.userKey(userId), this.due],
      arguments: [this.member(socketId), String(Date.now()), userId],
    });
    return changed === 1;
  }

  async isOnline(userId: string): Promise<boolean> {
    const live = await this.redis.zCount(this.userKey(userId), Date.now(), '+inf');
    return live > 0;
  }

  onChange(listener: (userId: string, online: boolean) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Pushes this node's entries forward. An entry a sweep removed meanwhile (Redis was
   * away longer than the TTL) comes back as a new connection: that user is online again.
   */
  private async renew(): Promise<void> {
    for (const [userId, sockets] of this.local) {
      for (const socketId of sockets) {
        const cameBack = await this.connected(userId, socketId);
        if (cameBack) for (const l of this.listeners) l(userId, true);
      }
    }
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    const due = await this.redis.zRangeByScore(this.due, '-inf', now, {
      LIMIT: { offset: 0, count: 500 },
    });
    for (const userId of due) {
      const gone = await this.redis.eval(SWEEP, {
        keys: [this.userKey(userId), this.due],
        arguments: [String(now), userId],
      });
      if (gone === 1) for (const l of this.listeners) l(userId, false);
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
  }
}
