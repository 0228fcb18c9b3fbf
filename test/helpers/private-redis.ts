/**
 * A redis-server of the test's own, on a free port, without persistence. Each cluster
 * test gets one: its nodes run without REDIS_PREFIX, so the Socket.io stream, its pub/sub
 * channels and the presence keys have fixed names, and two clusters on one Redis would be
 * one cluster (pub/sub ignores database numbers); stopping it must not touch another
 * test's. It can be stopped and started again on the same port (an outage).
 */
import { execFileSync } from 'node:child_process';
import { createClient } from 'redis';
import { type Child, freePort, required, spawnChild, waitUntil } from './processes.js';

export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';

export function redisServerInstalled(): boolean {
  let found = true;
  try {
    execFileSync(REDIS_SERVER_BIN, ['--version'], { stdio: 'ignore' });
  } catch {
    found = false;
  }
  return required(
    found,
    `redis-server (${REDIS_SERVER_BIN})`,
    'Install Redis 7 (`apt-get install -y redis-server`) or set REDIS_SERVER_BIN.',
  );
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** Starts it (again, on the same port, empty). */
  start(): Promise<void>;
  /** SIGKILL: everything in it is gone, as after a crash without persistence. */
  stop(): Promise<void>;
  /**
   * SIGSTOP: it keeps its connections and answers nothing, as behind a network that drops
   * packets; `resume()` (SIGCONT) and it answers everything it was sent meanwhile.
   */
  freeze(): void;
  resume(): void;
}

async function answers(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    await client.close().catch(() => {});
  }
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: Child | undefined;
  const signal = (name: 'SIGSTOP' | 'SIGCONT') => {
    const pid = child?.running() ? child.process.pid : undefined;
    if (pid === undefined) throw new Error(`redis-server on ${port} is not running`);
    process.kill(pid, name);
  };
  const redis: PrivateRedis = {
    url,
    port,
    async start() {
      const proc = spawnChild(REDIS_SERVER_BIN, [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
      ]);
      child = proc;
      await waitUntil(`redis-server on ${port}`, async () => {
        if (!proc.running()) throw new Error(`redis-server exited: ${proc.output()}`);
        return answers(url);
      });
    },
    async stop() {
      // A frozen process takes SIGKILL too.
      await child?.stop('SIGKILL');
    },
    freeze() {
      signal('SIGSTOP');
    },
    resume() {
      signal('SIGCONT');
    },
  };
  await redis.start();
  return redis;
}
