/**
 * Rating conformance: each store keeps one rating per closed chat, by its user, within the
 * window, and records it in the audit log with the change; of concurrent ratings exactly
 * one is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditActor } from '../../src/audit/actor.js';
import type { ChatAudit } from '../../src/audit/chain.js';
import { person } from '../../src/auth/actor.js';
import type { Chat } from '../../src/schemas/shapes.js';
import { openStore } from '../../src/store/open.js';
import type { RatingDraft, Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const HOUR = 3600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

const ratingBy = (chat: Chat, fields: Partial<RatingDraft> = {}): RatingDraft => ({
  userId: chat.userId,
  score: 4,
  comment: null,
  at: iso(0),
  closedSince: iso(-HOUR),
  ...fields,
});

describe.each(await storeTargets())('ratings on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  let users = 0;
  beforeAll(async () => {
    db = await target.create();
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  async function chatIn(state: 'open' | 'closed'): Promise<Chat> {
    const userId = `rater-${users++}`;
    const { chat } = await store.openChat({ userId, userName: 'U', online: true });
    if (state === 'open') return chat;
    const closed = await store.closeChat(chat._id, person(userId, 'U', 'user'));
    if (!closed) throw new Error('the user could not close their chat');
    return closed.chat;
  }

  it("a closed chat takes its user's rating, carried on the chat from then on", async () => {
    const chat = await chatIn('closed');
    expect(chat.rating).toBeUndefined();
    const at = iso(0);
    const rated = await store.rateChat(chat._id, ratingBy(chat, { score: 5, comment: 'Kind', at }));
    expect(rated?.rating).toEqual({ score: 5, comment: 'Kind', at });
    store.forgetChat(chat._id);
    expect((await store.getChat(chat._id))?.rating).toEqual({ score: 5, comment: 'Kind', at });
    const listed = await store.listChats({ kind: 'byUser', userId: chat.userId }, 10);
    expect(listed[0]?.rating).toEqual({ score: 5, comment: 'Kind', at });
  });

  it('an unrated chat carries no rating field at all (v2 shape)', async () => {
    const chat = await chatIn('closed');
    store.forgetChat(chat._id);
    expect(Object.keys((await store.getChat(chat._id)) ?? {})).not.toContain('rating');
  });

  it('stores nothing for an open chat, another user, a second rating or a close before the window', async () => {
    const open = await chatIn('open');
    expect(await store.rateChat(open._id, ratingBy(open))).toBeUndefined();

    const closed = await chatIn('closed');
    expect(await store.rateChat(closed._id, ratingBy(closed, { userId: 'someone' }))).toBe(
      undefined,
    );
    expect(await store.rateChat(closed._id, ratingBy(closed, { closedSince: iso(HOUR) }))).toBe(
      undefined,
    );
    expect(await store.rateChat(closed._id, ratingBy(closed, { score: 2 }))).toBeDefined();
    expect(await store.rateChat(closed._id, ratingBy(closed, { score: 1 }))).toBeUndefined();
    store.forgetChat(open._id);
    store.forgetChat(closed._id);
    expect((await store.getChat(open._id))?.rating).toBeUndefined();
    expect((await store.getChat(closed._id))?.rating?.score).toBe(2);
  });

  it('of concurrent ratings of one chat exactly one is stored, and it is the one the chat keeps', async () => {
    const chat = await chatIn('closed');
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 1, 2, 3, 4, 5].map((score) =>
        store.rateChat(chat._id, ratingBy(chat, { score, comment: `c${score}` })),
      ),
    );
    const winners = results.filter((r) => r !== undefined);
    expect(winners).toHaveLength(1);
    store.forgetChat(chat._id);
    expect((await store.getChat(chat._id))?.rating).toEqual(winners[0]?.rating);
  });

  it('records chat.rated in the audit log only when the rating is stored', async () => {
    const chat = await chatIn('closed');
    const audit: ChatAudit = {
      actor: auditActor(person(chat.userId, 'U', 'user')),
      action: 'chat.rated',
      details: { score: 3, withComment: false },
    };
    expect(await store.rateChat(chat._id, ratingBy(chat, { score: 3 }), audit)).toBeDefined();
    expect(await store.rateChat(chat._id, ratingBy(chat, { score: 3 }), audit)).toBeUndefined();
    const { entries } = await store.audit.list({
      chatId: chat._id,
      action: 'chat.rated',
      limit: 10,
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.details).toEqual({ score: 3, withComment: false });
  });
});
