/**
 * A bounded wait on Redis. A silent Redis (a connection a NAT forgot, a Redis replaced
 * behind its address) answers neither yes nor no, so what waits on it gives up after a
 * while instead: a join, a quiet subscriber's PING, a node's start, its close. The timer
 * does not keep the process alive.
 */
import { setTimeout as after } from 'node:timers/promises';

/** What `answer` settles to, or `otherwise` if `ms` pass first. */
export function within<T, U>(answer: Promise<T>, ms: number, otherwise: U): Promise<T | U> {
  return Promise.race([answer, after(ms, otherwise, { ref: false })]);
}
