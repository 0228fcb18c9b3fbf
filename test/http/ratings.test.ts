/**
 * CSAT over REST: the chat's user rates a closed chat once, within the window; every other
 * case is refused with its own reason and changes nothing; the rating reaches the chat's
 * last assignee and the admins, never the user's socket.
 */
import { describe, expect, it } from 'vitest';
import { assignChat, type Chat, openChat } from '../helpers/flows.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, replyOf, request, succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { type Person, useWorld, type World } from '../helpers/world.js';

const WINDOW_SECONDS = 2;

async function closedChat(world: World, user: Person, admin?: Person): Promise<Chat> {
  const chat = await openChat(world, user);
  if (admin) await assignChat(world, chat, admin);
  const closed = await request(world.server(), 'PATCH /api/chats/:chatId/close', {
    params: { chatId: chat._id },
    body: { userId: user.id },
  });
  expect(closed.status).toBe(200);
  return succeeded(closed).chat;
}

function rate(world: World, chatId: string, body: Record<string, unknown>) {
  return api(world.server(), 'POST', `/api/chats/${chatId}/rating`, body).then((res) =>
    replyOf('POST /api/chats/:chatId/rating', res),
  );
}

describe.each(await storeTargets())('chat ratings over REST on $name', (target) => {
  const world = useWorld(target, { CSAT_WINDOW_SECONDS: String(WINDOW_SECONDS) });

  it("the user rates their closed chat; the assignee and the admins hear it, the user's socket does not", async () => {
    const [assignee, other, user] = await Promise.all([world.admin(), world.admin(), world.user()]);
    const chat = await closedChat(world, user, assignee);
    const res = await rate(world, chat._id, {
      userId: user.id,
      score: 5,
      comment: '  Quick, card 4111 1111 1111 1111 fixed  ',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { rating, chat: rated } = succeeded(res);
    expect(rating).toMatchObject({ score: 5, comment: 'Quick, card 4111 11** **** 1111 fixed' });
    expect(rated.rating).toEqual(rating);

    const heard = (p: { chatId: string }) => p.chatId === chat._id;
    expect((await assignee.client.waitFor('chat-rated', heard)).rating).toEqual(rating);
    expect((await other.client.waitFor('chat-rated', heard)).rating).toEqual(rating);
    await quiet(ONE_NODE_QUIET_MS);
    expect(
      assignee.client.of('chat-rated').filter((p) => heard(p as Chat & { chatId: string })),
    ).toHaveLength(1);
    expect(user.client.of('chat-rated')).toHaveLength(0);

    const list = await request(world.server(), 'GET /api/chats/user/:userId', {
      params: { userId: user.id },
    });
    expect(succeeded(list).chats.find((c) => c._id === chat._id)?.rating).toEqual(rating);
  });

  it('refuses an open chat, a second rating and another user, each with its reason (admins: the authorization matrix)', async () => {
    const [user, stranger] = await Promise.all([world.user(), world.user()]);
    const open = await openChat(world, user);
    const notClosed = await rate(world, open._id, { userId: user.id, score: 3 });
    expect(notClosed.status).toBe(409);
    expect(notClosed.body).toMatchObject({ success: false, code: 'CHAT_NOT_CLOSED' });

    const chat = await closedChat(world, await world.user());
    const owner = chat.userId;
    const byStranger = await rate(world, chat._id, { userId: stranger.id, score: 1 });
    expect(byStranger.status).toBe(403);

    expect((await rate(world, chat._id, { userId: owner, score: 4 })).status).toBe(200);
    const again = await rate(world, chat._id, { userId: owner, score: 1 });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, code: 'ALREADY_RATED' });
    const stored = await world.server().store.getChat(chat._id);
    expect(stored?.rating?.score).toBe(4);
  });

  it('refuses bad scores and comments with 400 naming the field, and an unknown chat with 404', async () => {
    const user = await world.user();
    const chat = await closedChat(world, user);
    for (const [body, field] of [
      [{ score: 0 }, 'score'],
      [{ score: 6 }, 'score'],
      [{ score: 4.5 }, 'score'],
      [{ score: '5' }, 'score'],
      [{}, 'score'],
      [{ score: 3, comment: 'x'.repeat(1001) }, 'comment'],
      [{ score: 3, comment: 7 }, 'comment'],
    ] as const) {
      const res = await rate(world, chat._id, { userId: user.id, ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
      expect(JSON.stringify(res.body)).toContain(field);
    }
    expect((await world.server().store.getChat(chat._id))?.rating).toBeUndefined();
    const unknown = await rate(world, 'ffffffffffffffffffffffff', { userId: user.id, score: 3 });
    expect(unknown.status).toBe(404);
  });

  it('a blank comment is no comment', async () => {
    const user = await world.user();
    const chat = await closedChat(world, user);
    const res = await rate(world, chat._id, { userId: user.id, score: 2, comment: '   ' });
    expect(succeeded(res).rating.comment).toBeNull();
  });

  it('of concurrent ratings exactly one succeeds; the rest are ALREADY_RATED', async () => {
    const user = await world.user();
    const chat = await closedChat(world, user);
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 5, 4, 3].map((score) => rate(world, chat._id, { userId: user.id, score })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) {
      expect(r.body).toMatchObject({ code: 'ALREADY_RATED' });
    }
  });

  it('after the window a closed chat can no longer be rated: 409 RATING_EXPIRED', async () => {
    const user = await world.user();
    const chat = await closedChat(world, user);
    await new Promise((resolve) => setTimeout(resolve, WINDOW_SECONDS * 1000 + 200));
    const late = await rate(world, chat._id, { userId: user.id, score: 5 });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ success: false, code: 'RATING_EXPIRED' });
    expect((await world.server().store.getChat(chat._id))?.rating).toBeUndefined();
  });
});
