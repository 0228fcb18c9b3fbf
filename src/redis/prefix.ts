/**
 * Every name this server gives to something in Redis (its keys, the Socket.io stream, the
 * adapter's pub/sub channels, recovery sessions, presence, rate-limit counters) goes
 * through one `Prefixed` function: several deployments can share one Redis when each has
 * its own REDIS_PREFIX (database numbers do not part pub/sub channels). Without a
 * prefix the names are the ones every earlier version used, so nodes of a running
 * cluster can be replaced one by one.
 */
export type Prefixed = (name: string) => string;

export const unprefixed: Prefixed = (name) => name;

export function prefixedBy(prefix: string | undefined): Prefixed {
  return prefix ? (name) => `${prefix}:${name}` : unprefixed;
}
