/**
 * A bounded wait on Redis. A silent Redis (a connection a NAT forgot, a Redis replaced
 * behind its address) answers neither yes nor no, so what waits on it gives up after a
 * while instead: a join, a quiet subscriber's PING, a node's start, its close. The timer
 * does not keep the process alive, and is cleared once the answer comes (a node joining
 * thousands of sockets a second would otherwise hold as many timers for the whole wait).
 */
import { setTimeout as after } from 'node:timers/promises';

/** What `answer` settles to, or `otherwise` if `ms` pass first. */
export async function within<T, U>(answer: Promise<T>, ms: number, otherwise: U): Promise<T | U> {
  const timer = new AbortController();
  try {
    // The race handles the timer's AbortError once the answer has won.
    return await Promise.race([answer, after(ms, otherwise, { ref: false, signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}
