/** Two nodes in this process on one database and one Redis, each hearing the other. */
import type { Logger } from 'pino';
import type { DatabaseConfig } from '../../src/config.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { waitUntil } from './processes.js';
import { startTestServer, testConfig } from './server.js';
import { connectClient } from './sockets.js';

/**
 * Starts A and B with `env` (its REDIS_URL names a Redis database of the suite's own, so
 * other suites' streams and presence stay apart), and returns once a broadcast from A
 * reaches B: both adapters read the stream from "now", so nothing is sent before that.
 * `probe` connects the probing socket (a token, with AUTH_MODE=jwt); `logger`, given, is
 * both nodes' (a test reading what they logged), else they log nothing.
 */
export async function startTwoNodes(
  database: DatabaseConfig,
  env: Record<string, string>,
  probe: Parameters<typeof connectClient>[1] = {},
  logger?: Logger,
): Promise<{ a: RunningServer; b: RunningServer }> {
  const start = () =>
    logger
      ? startServer(testConfig(database, env), { logger, checkReplies: true })
      : startTestServer(database, env);
  const a = await start();
  const b = await start();
  const listener = await connectClient(b.url, probe);
  await waitUntil('a broadcast from node A reaches node B', () => {
    a.io.emit('pong', { timestamp: 'probe' });
    return listener.of('pong').length > 0;
  });
  listener.close();
  return { a, b };
}
