/** The real entry point in a child process: start-up errors, and a graceful stop. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runServerProcess, waitFor200 } from './helpers/process.js';

const work = mkdtempSync(join(tmpdir(), 'chat-main-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (env: Record<string, string>) => runServerProcess(work, env);
const waitForHealth = (port: number) => waitFor200(port);

// Real server processes: three starts in one test take a minute on a loaded two-core machine.
describe('the server process', { timeout: 60_000 }, () => {
  it.each([
    [{ PORT: 'abc' }, /^Configuration error: PORT: /],
    [{ AUTH_MODE: 'maybe' }, /^Configuration error: AUTH_MODE: /],
    [{ DATABASE_URL: 'mongodb://x/y' }, /^Configuration error: DATABASE_URL: /],
    [
      { MONGODB_URI: 'mongodb+srv://x' },
      /^Configuration error: MONGODB_URI: MongoDB is not a supported store/,
    ],
  ])('exits non-zero with one line for %o', async (env, line) => {
    const proc = run(env);
    expect(await proc.exit).toBe(1);
    const lines = proc.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(proc.output()).not.toMatch(/\n\s+at /);
  });

  it('creates ./data/chat.db on first start and stops on SIGTERM with exit 0', async () => {
    const port = 31000 + Math.floor(Math.random() * 1000);
    const proc = run({ PORT: String(port) });
    await waitForHealth(port);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Record<
      string,
      unknown
    >;
    expect(health).toMatchObject({ status: 'OK', store: { kind: 'sqlite', status: 'up' } });
    const root = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { accept: 'application/json' },
    });
    expect(await root.json()).toMatchObject({
      name: 'Fastorika Chat Server',
      endpoints: expect.arrayContaining(['POST /api/messages']),
    });
    const started = Date.now();
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const again = run({ PORT: String(port) });
    await waitForHealth(port);
    again.child.kill('SIGINT');
    expect(await again.exit).toBe(0);
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(work, 'data/chat.db'))).toBe(true);
  });

  it('a second process on the same SQLite file refuses to start with one line; the first keeps serving', async () => {
    const file = join(work, 'one-node.db');
    const near = (base: number) => base + Math.floor(Math.random() * 1000);
    const [p1, p2] = [near(32000), near(33000)];
    const first = run({ PORT: String(p1), DATABASE_URL: `sqlite:${file}` });
    await waitForHealth(p1);
    const second = run({ PORT: String(p2), DATABASE_URL: `sqlite:${file}` });
    expect(await second.exit).toBe(1);
    const lines = second.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/in use by another server process.*PostgreSQL/);
    expect((await fetch(`http://127.0.0.1:${p1}/health`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    // Once the first has gone, the file is free again.
    const third = run({ PORT: String(p2), DATABASE_URL: `sqlite:${file}` });
    await waitForHealth(p2);
    third.child.kill('SIGTERM');
    expect(await third.exit).toBe(0);
  });
});
