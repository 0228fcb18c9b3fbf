/**
 * The Redis the multi-node tests use. In CI (CI=true) it is required; elsewhere its
 * absence is announced loudly and the Redis suites are skipped.
 */
import { createClient } from 'redis';

export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let cached: Promise<boolean> | undefined;

export function redisReachable(required: boolean): Promise<boolean> {
  cached ??= (async () => {
    const client = createClient({ url: REDIS_TEST_URL, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      return true;
    } catch {
      if (required) throw new Error(`Redis is required in CI but ${REDIS_TEST_URL} is unreachable`);
      console.warn(
        `\n!!! Redis at ${REDIS_TEST_URL} is unreachable: the Redis suites are SKIPPED.\n!!! Start it (see README) or set TEST_REDIS_URL; CI requires it.\n`,
      );
      return false;
    } finally {
      await client.close().catch(() => {});
    }
  })();
  return cached;
}
