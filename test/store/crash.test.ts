/**
 * A server killed without a goodbye (SIGKILL) while sends pour in on SQLite loses no
 * message it acknowledged: after a restart on the same file, every acknowledged message
 * is in its chat's history, with the seq its acknowledgement gave, and seq has no gaps.
 * (A process crash, not a power cut: the acknowledgement follows the commit either way;
 * that it also follows the WAL's fdatasync is test/store/wal-sync.test.ts's.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runServerProcess, waitFor200 } from '../helpers/process.js';
import { freePort } from '../helpers/processes.js';

const work = mkdtempSync(join(tmpdir(), 'chat-crash-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SENDERS = 20;
/** Acknowledged sends before the kill: enough for many batches, each with several senders. */
const KILL_AFTER = 400;

interface Acked {
  chatId: string;
  seq: number;
  content: string;
}

const send = async (base: string, user: number, n: number): Promise<Acked | undefined> => {
  const content = `user ${user} message ${n}`;
  try {
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        senderId: `crash-user-${user}`,
        senderType: 'user',
        senderName: `User ${user}`,
        content,
      }),
    });
    if (res.status !== 200) return undefined;
    const body = (await res.json()) as { message: { chatId: string; seq: number } };
    return { chatId: body.message.chatId, seq: body.message.seq, content };
  } catch {
    // The kill cut this request: not acknowledged, so nothing is promised of it.
    return undefined;
  }
};

describe('SQLite, a server killed mid-send', { timeout: 120_000 }, () => {
  // The fsync in the commit (the default), and after it on libuv's pool.
  it.each(['0', '1'])(
    'keeps every message it acknowledged, in seq order, with no gaps (SQLITE_SYNC_ON_POOL=%s)',
    async (onPool) => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = {
        PORT: String(port),
        DATABASE_URL: `sqlite:${join(work, `crash-${onPool}.db`)}`,
        AUTH_MODE: 'none',
        RATE_LIMIT: 'off',
        SQLITE_SYNC_ON_POOL: onPool,
      };
      const first = runServerProcess(work, env);
      await waitFor200(port);
      const acked: Acked[] = [];
      let killed = false;
      const killedAt = new Promise<void>((resolve) => {
        const loops = Array.from({ length: SENDERS }, async (_, user) => {
          for (let n = 0; !killed; n++) {
            const ack = await send(base, user, n);
            // One answered while the kill was on its way was still acknowledged: it counts.
            if (ack) acked.push(ack);
            if (acked.length >= KILL_AFTER && !killed) {
              killed = true;
              first.child.kill('SIGKILL');
              resolve();
            }
          }
        });
        void Promise.all(loops);
      });
      await killedAt;
      await first.exit;

      const again = runServerProcess(work, env);
      try {
        await waitFor200(port);
        const byChat = new Map<string, Acked[]>();
        for (const a of acked) byChat.set(a.chatId, [...(byChat.get(a.chatId) ?? []), a]);
        expect(byChat.size).toBe(SENDERS);
        for (const [chatId, mine] of byChat) {
          const res = await fetch(`${base}/api/messages/${chatId}?after=0&limit=200`);
          const { messages } = (await res.json()) as {
            messages: { seq: number; content: string }[];
          };
          const stored = new Map(messages.map((m) => [m.seq, m.content]));
          for (const a of mine) expect(stored.get(a.seq), `${chatId} seq ${a.seq}`).toBe(a.content);
          expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
        }
      } finally {
        again.child.kill('SIGTERM');
        await again.exit;
      }
    },
  );
});
