/**
 * One server node as a real process: src/main.ts under tsx (a loader, not a wrapper, so
 * signals reach the server itself), as test/main.test.ts runs it. A node keeps its port
 * across restarts, as a node behind nginx would.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Child, sleep, spawnChild } from './processes.js';

const root = new URL('../..', import.meta.url).pathname;
const tsxLoader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

export interface ChatNode {
  name: string;
  port: number;
  url: string;
  /** Starts (or restarts) the process and waits for its first 200 from /health. */
  start(): Promise<void>;
  /** SIGKILL: gone without a goodbye. SIGTERM: the graceful stop. Resolves on exit. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<number | null>;
  running(): boolean;
  /** Everything every run of this node printed, for failure messages. */
  output(): string;
}

export function chatNode(name: string, port: number, env: Record<string, string>): ChatNode {
  // With DATABASE_URL on PostgreSQL a node writes no file: any folder will do.
  const cwd = tmpdir();
  const url = `http://127.0.0.1:${port}`;
  let child: Child | undefined;
  let history = '';
  return {
    name,
    port,
    url,
    async start() {
      if (child?.running()) throw new Error(`${name} is already running`);
      if (child) history += child.output();
      const proc = spawnChild(
        process.execPath,
        ['--import', tsxLoader, join(root, 'src/main.ts')],
        {
          cwd,
          env: {
            PATH: process.env.PATH ?? '',
            HOST: '127.0.0.1',
            PORT: String(port),
            LOG_LEVEL: 'warn',
            ...env,
          },
        },
      );
      child = proc;
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (!proc.running()) throw new Error(`${name} exited:\n${proc.output()}`);
        const status = await fetch(`${url}/health`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) return;
        if (Date.now() > deadline)
          throw new Error(`${name} never answered /health:\n${proc.output()}`);
        await sleep(50);
      }
    },
    stop: (signal = 'SIGTERM') => child?.stop(signal) ?? Promise.resolve(null),
    running: () => child?.running() ?? false,
    output: () => history + (child?.output() ?? ''),
  };
}
