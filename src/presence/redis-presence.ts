/**
 * Presence shared by every node through Redis. Each socket is an entry of its user's
 * sorted set, scored by when it expires; the node that holds the socket pushes that time
 * forward every presenceHeartbeatMs. A node that dies without a goodbye stops doing so, its
 * entries expire after presenceTtlMs (src/tunables.ts), and a sweep (every node runs one) removes them: the node
 * whose sweep empties a user's set is the one that reports the user offline. Every step
 * that decides a change is one Lua script, so two nodes can never both report it.
 *
 * While Redis is unreachable nothing here fails a caller (a join, a chat opened): a
 * change that cannot be decided is not announced then, and the heartbeats settle it once
 * Redis answers again. The first one records this node's sockets (a user Redis lost, or
 * never heard of, comes back online); the next one, when every node has had a heartbeat
 * to record its own, removes the sockets that left meanwhile (their user goes offline if
 * nothing of theirs is left). A change is then announced late; after Redis lost its data
 * one may be announced twice (online again for users who never left), never missed.
 */
import { type Prefixed, unprefixed } from '../redis/prefix.js';
import type { RedisClient } from '../redis/redis.js';
import { TUNABLES } from '../tunables.js';
import type { Presence } from './presence.js';

/** Its keys: a sorted set per user, and the users with entries (`due`). */
interface PresenceKeys {
  user(userId: string): string;
  /** Users with entries, scored by when their newest entry expires. */
  due: string;
}

const presenceKeys = (prefixed: Prefixed): PresenceKeys => ({
  user: (userId) => prefixed(`presence:user:${userId}`),
  due: prefixed('presence:due'),
});

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

// KEYS[1] user set, KEYS[2] due; ARGV: member, now, userId. Returns 1 if the user has no
// entry left, whether or not Redis still had this one (it may have lost it).
const LEFT_UNRECORDED = `
redis.call('ZREM', KEYS[1], ARGV[1])
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
  /** Sockets that left while Redis was unreachable: their member, and whose they were. */
  private readonly leftUnrecorded = new Map<string, string>();
  /** Every local socket is in Redis as of the last heartbeat, and nothing failed since. */
  private recorded = true;
  private readonly listeners: ((userId: string, online: boolean) => void)[] = [];
  private readonly timers: NodeJS.Timeout[];
  private readonly keys: PresenceKeys;

  constructor(
    private readonly redis: RedisClient,
    private readonly nodeId: string,
    private readonly reportError: (err: unknown) => void,
    /** REDIS_PREFIX's names (src/redis/prefix.ts). */
    prefixed: Prefixed = unprefixed,
  ) {
    this.keys = presenceKeys(prefixed);
    this.timers = [
      setInterval(
        () => void this.renew().catch((err) => this.failed(err)),
        TUNABLES.presenceHeartbeatMs.value,
      ),
      setInterval(
        () => void this.sweep().catch((err) => this.failed(err)),
        TUNABLES.presenceSweepMs.value,
      ),
    ];
    for (const t of this.timers) t.unref();
  }

  /** Redis did not answer: what is in it may be behind (or gone) until the heartbeats settle it. */
  private failed(err: unknown): void {
    this.recorded = false;
    this.reportError(err);
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
    // A session recovered after a dropped transport keeps its socket id.
    this.leftUnrecorded.delete(this.member(socketId));
    // Redis away: the heartbeat records the socket (and announces the user) once it is back.
    return this.record(userId, socketId).catch((err: unknown) => {
      this.failed(err);
      return false;
    });
  }

  /** Adds (or renews) one socket's entry; true if the user had none left. */
  private async record(userId: string, socketId: string): Promise<boolean> {
    const now = Date.now();
    const changed = await this.redis.eval(CONNECT, {
      keys: [this.keys.user(userId), this.keys.due],
      arguments: [
        this.member(socketId),
        String(now),
        String(now + TUNABLES.presenceTtlMs.value),
        userId,
      ],
    });
    return changed === 1;
  }

  async disconnected(userId: string, socketId: string): Promise<boolean> {
    const mine = this.local.get(userId);
    mine?.delete(socketId);
    if (mine?.size === 0) this.local.delete(userId);
    return this.remove(userId, socketId).catch((err: unknown) => {
      this.failed(err);
      this.leftUnrecorded.set(this.member(socketId), userId);
      return false;
    });
  }

  /** Removes one socket's entry; true if it was the user's last one anywhere. */
  private async remove(userId: string, socketId: string): Promise<boolean> {
    const changed = await this.redis.eval(DISCONNECT, {
      keys: [this.keys.user(userId), this.keys.due],
      arguments: [this.member(socketId), String(Date.now()), userId],
    });
    return changed === 1;
  }

  async isOnline(userId: string): Promise<boolean> {
    try {
      return (await this.redis.zCount(this.keys.user(userId), Date.now(), '+inf')) > 0;
    } catch (err) {
      // Redis away: what this node knows (a chat opened by a user connected here is online).
      this.failed(err);
      return this.local.has(userId);
    }
  }

  onChange(listener: (userId: string, online: boolean) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Pushes this node's entries forward; after an outage, settles what could not be
   * recorded (see the top of this file).
   */
  private async renew(): Promise<void> {
    const settle = this.recorded;
    this.recorded = true;
    for (const [userId, sockets] of this.local) {
      for (const socketId of sockets) {
        const cameBack = await this.record(userId, socketId);
        if (cameBack) this.announce(userId, true);
      }
    }
    if (!settle || !this.recorded) return;
    for (const [member, userId] of this.leftUnrecorded) {
      const wentOffline = await this.redis.eval(LEFT_UNRECORDED, {
        keys: [this.keys.user(userId), this.keys.due],
        arguments: [member, String(Date.now()), userId],
      });
      this.leftUnrecorded.delete(member);
      if (wentOffline === 1 && !this.local.has(userId)) this.announce(userId, false);
    }
  }

  private announce(userId: string, online: boolean): void {
    for (const l of this.listeners) l(userId, online);
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    const due = await this.redis.zRangeByScore(this.keys.due, '-inf', now, {
      LIMIT: { offset: 0, count: 500 },
    });
    for (const userId of due) {
      const gone = await this.redis.eval(SWEEP, {
        keys: [this.keys.user(userId), this.keys.due],
        arguments: [String(now), userId],
      });
      if (gone === 1) this.announce(userId, false);
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
  }
}
