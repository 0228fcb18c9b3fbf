/**
 * A Redis that hangs (stopped, or cut off by a network that drops packets) keeps its TCP
 * connection open and answers nothing: node-redis then waits for ever, since its own
 * command timeout covers only the wait to be written, and a rate limit or presence call
 * on the request path waited as long as the hang. Redis answers one connection's commands
 * in order, so when the oldest command in flight has had no answer for `timeoutMs`, and
 * the connection has answered nothing else meanwhile, every later one is stuck behind it:
 * all of them fail at once, in the order they were sent
 * (a broadcast delivered here after a room leave stays after it), and from then on every
 * command fails at once, without being sent, until Redis shows a sign of life (a late
 * answer to any command, or a new connection ready: `reset()`; redis.ts makes one as soon
 * as the watch finds the connection silent).
 * Callers fall back on that failure as they do on any other (limits in memory, presence
 * settled by the heartbeats, a broadcast delivered to this node's sockets only).
 *
 * A busy Redis is not a silent one: while answers keep coming (a long queue of commands
 * drained slowly, each within `timeoutMs` of the one before), nothing is failed.
 *
 * A command that timed out may still be run by Redis when it wakes up: its late effect is
 * that of a slow command (a limit counted late, a broadcast delivered late elsewhere).
 */
import { ErrorReply } from 'redis';

export class RedisTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms`);
    this.name = 'RedisTimeoutError';
  }
}

interface InFlight {
  sentAt: number;
  fail(err: Error): void;
}

export interface HangWatchHooks {
  /** Redis went silent: commands time out (once per hang). */
  hung(): void;
  /** A command was given up on (timed out, or refused while Redis is silent). */
  timedOut(): void;
  /** Redis answered again after a hang. */
  answered(): void;
}

export class HangWatch {
  /** Commands sent and not answered yet, oldest first. */
  private readonly inFlight = new Set<InFlight>();
  private silent = false;
  /** When the connection last answered anything: a busy Redis still answers. */
  private lastAnswerAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly hooks: HangWatchHooks,
  ) {}

  /** Redis is connected but has not answered for longer than the timeout. */
  get hung(): boolean {
    return this.silent;
  }

  /** Runs `send` (one Redis command) and fails it if Redis does not answer in time. */
  watch<T>(send: () => Promise<T>): Promise<T> {
    if (this.silent) {
      this.hooks.timedOut();
      return Promise.reject(new RedisTimeoutError(this.timeoutMs));
    }
    return new Promise<T>((resolve, reject) => {
      const entry: InFlight = { sentAt: Date.now(), fail: reject };
      let sent: Promise<T>;
      try {
        sent = send();
      } catch (err) {
        // Refused before it was sent (bad arguments): nothing for Redis to answer.
        reject(err);
        return;
      }
      this.inFlight.add(entry);
      this.arm();
      sent.then(
        (value) => {
          this.lastAnswerAt = Date.now();
          this.alive();
          if (this.inFlight.delete(entry)) resolve(value);
        },
        (err: unknown) => {
          // Redis refusing the command is an answer; the connection lost or closed is not
          // (a new connection's 'ready' says when Redis answers again).
          if (err instanceof ErrorReply) {
            this.lastAnswerAt = Date.now();
            this.alive();
          }
          if (this.inFlight.delete(entry)) reject(err);
        },
      );
    });
  }

  /** Any answer from Redis, an error reply too: the connection is not silent (any more). */
  private alive(): void {
    if (!this.silent) return;
    this.silent = false;
    this.hooks.answered();
  }

  /** A new connection is ready: what was silent is now node-redis's to report. */
  reset(): void {
    this.alive();
  }

  private oldest(): InFlight | undefined {
    return this.inFlight.values().next().value;
  }

  /** Since when the connection has been silent for the oldest command in flight. */
  private silentSince(oldest: InFlight): number {
    return Math.max(oldest.sentAt, this.lastAnswerAt);
  }

  private arm(): void {
    if (this.timer) return;
    const oldest = this.oldest();
    if (!oldest) return;
    const wait = Math.max(0, this.silentSince(oldest) + this.timeoutMs - Date.now());
    this.timer = setTimeout(() => {
      // After the event loop's I/O phase: a node too busy to run its timers on time may
      // have the answer waiting, unread, in its socket (its lag is not Redis's silence).
      setImmediate(() => {
        this.timer = undefined;
        this.check();
      });
    }, wait);
    this.timer.unref();
  }

  private check(): void {
    const oldest = this.oldest();
    if (!oldest) return;
    if (Date.now() - this.silentSince(oldest) < this.timeoutMs) {
      this.arm();
      return;
    }
    const stuck = [...this.inFlight];
    this.inFlight.clear();
    this.silent = true;
    this.hooks.hung();
    const err = new RedisTimeoutError(this.timeoutMs);
    for (const entry of stuck) {
      this.hooks.timedOut();
      entry.fail(err);
    }
  }
}
