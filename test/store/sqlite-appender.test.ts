/**
 * SQLite appends run on their own thread and connection (for a file) or on the main one
 * (for `:memory:`). Either way every guarantee holds, also while the main connection
 * writes at the same time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Chat } from '../../src/schemas/shapes.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { AppendResult, MessageDraft, Store } from '../../src/store/store.js';

const draft = (chat: Chat, content: string, clientMessageId: string | null): MessageDraft => ({
  chatId: chat._id,
  senderId: chat.userId,
  senderType: 'user',
  senderName: 'U',
  content,
  messageType: 'text',
  fileUrl: null,
  clientMessageId,
  effect: { lastMessage: content, unreadIncrement: 1 },
});

describe('SQLite appends', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  async function open(kind: 'file' | 'memory'): Promise<Store> {
    if (kind === 'memory') {
      const store = await openSqliteStore(':memory:');
      cleanup.push(() => store.close());
      return store;
    }
    const dir = mkdtempSync(join(tmpdir(), 'chat-appender-'));
    const store = await openSqliteStore(join(dir, 'chat.db'));
    cleanup.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return store;
  }

  it.each(['file', 'memory'] as const)(
    'on a %s database, appends racing the main connection’s writes all succeed, seq gap-free',
    async (kind) => {
      const store = await open(kind);
      const chats = await Promise.all(
        Array.from(
          { length: 8 },
          async (_, i) => (await store.openChat({ userId: `race-${i}`, userName: 'U' })).chat,
        ),
      );
      // Appends keep the appender busy while the main connection writes, round after round.
      const perChat = 300;
      const results: AppendResult[] = [];
      const mainWrites: Promise<unknown>[] = [];
      for (let round = 0; round < perChat / 30; round++) {
        const appends = chats.flatMap((c) =>
          Array.from({ length: 30 }, (_, k) => {
            const n = round * 30 + k;
            return store.appendMessage(draft(c, `${c._id}:${n}`, `${c._id}-${n}`));
          }),
        );
        await new Promise((r) => setTimeout(r, 1));
        chats.forEach((c, i) => {
          mainWrites.push(
            store.markRead(c._id, ['user'], true),
            store.setUserOnline(c.userId, (i + round) % 2 === 0),
            store.takeChat(c._id, { id: `admin-${i}`, name: 'A' }, false),
          );
        });
        results.push(...(await Promise.all(appends)));
      }
      await Promise.all(mainWrites);
      expect(results.filter((r) => r.kind !== 'stored')).toEqual([]);
      for (const c of chats) {
        const page = await store.history(c._id, { kind: 'after', seq: 0, limit: 500 });
        expect(page.messages.map((m) => m.seq)).toEqual(
          Array.from({ length: perChat }, (_, i) => i + 1),
        );
        expect(await store.getChat(c._id)).toMatchObject({ assignedAdminId: expect.any(String) });
      }
    },
  );

  it('a retried send after the store reopened finds the message the appender thread stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-appender-'));
    const path = join(dir, 'chat.db');
    const first = await openSqliteStore(path);
    const chat = (await first.openChat({ userId: 'reopen', userName: 'U' })).chat;
    const stored = await first.appendMessage(draft(chat, 'kept', 'once'));
    await first.close();
    const again = await openSqliteStore(path);
    cleanup.push(async () => {
      await again.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const retried = await again.appendMessage(draft(chat, 'kept', 'once'));
    expect(retried.kind).toBe('duplicate');
    expect(retried.kind !== 'rejected' && retried.message).toEqual(
      stored.kind === 'stored' && stored.message,
    );
  });
});
