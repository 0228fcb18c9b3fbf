/**
 * What a node loads only with REDIS_URL (cluster.ts imports it then): Redis' client and the
 * adapter are the largest code a single node would otherwise compile at every start.
 */
export { RedisPresence } from '../presence/redis-presence.js';
export { connectRedis } from '../redis/redis.js';
export { adapterClient } from './adapter-client.js';
export { orderedClusterAdapter } from './ordered-adapter.js';
