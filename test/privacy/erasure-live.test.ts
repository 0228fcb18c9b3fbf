/**
 * Erasure against live traffic: what the user does while DELETE /api/users/:userId runs
 * leaves nothing of them that is still open, routed, queued or stored afterwards. For the
 * whole erasure the user is held: no chat is opened for them, by REST or by a socket's
 * send without chatId, and no upload of theirs stored, on any node, until their sockets
 * are disconnected.
 */
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { rooms } from '../../src/schemas/rooms.js';
import type { Chat } from '../../src/schemas/shapes.js';
import type { RunningServer } from '../../src/server.js';
import type { AttachmentRecord } from '../../src/store/attachment-records.js';
import { ERASURE_LOCK_CLASS } from '../../src/store/privacy.js';
import { TUNABLES } from '../../src/tunables.js';
import { holdWrittenNotCommitted, untilSomeoneWaitsForALock } from '../helpers/erasure-hold.js';
import { type ApiResponse, api, replyOf, startTestServer, succeeded } from '../helpers/server.js';
import { accepted } from '../helpers/sockets.js';
import { type StoreTarget, storeTargets } from '../helpers/stores.js';
import { whereStored } from '../helpers/text-scan.js';
import { upload, uploaded } from '../helpers/uploads.js';
import { useWorld } from '../helpers/world.js';

const AS_SUPER = 'adminId=eraser&isSuperAdmin=true';

const erase = async (server: RunningServer, userId: string) =>
  replyOf(
    'DELETE /api/users/:userId',
    await api(server, 'DELETE', `/api/users/${userId}?${AS_SUPER}`),
  );

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** An upload of a small text file by `user` (AUTH_MODE=none: the fields name them). */
const asUploadBy = (user: { id: string; name: string }, text: string) => ({
  bytes: text,
  name: 'statement.txt',
  type: 'text/plain',
  fields: { senderId: user.id, senderType: 'user', senderName: user.name },
});

/**
 * Stops `userId`'s uploads at their record's insert (the bytes already stored): `reached`
 * gives the record waiting, `release` lets it go on, `restore` undoes the stop.
 */
function holdRecordsOf(server: RunningServer, userId: string) {
  const { attachments } = server.store;
  const insert = attachments.insertIfRoom;
  const reached = deferred<AttachmentRecord>();
  const go = deferred<void>();
  attachments.insertIfRoom = async (record, fits, uploader) => {
    if (record.uploaderId === userId) {
      reached.resolve(record);
      await go.promise;
    }
    return insert(record, fits, uploader);
  };
  return {
    reached: reached.promise,
    release: () => go.resolve(),
    restore: () => {
      attachments.insertIfRoom = insert;
    },
  };
}

/**
 * The upload was refused as an erasure's (its error `saying` why), and nothing of it is left:
 * no record, no chunk, nothing counted to the user.
 */
async function refusedLeavingNothing(
  server: RunningServer,
  late: ApiResponse | undefined,
  record: AttachmentRecord,
  saying: string,
): Promise<void> {
  expect(late?.status, JSON.stringify(late?.body)).toBe(409);
  expect(late?.body).toMatchObject({ success: false, code: 'ERASURE_IN_PROGRESS' });
  expect(String(late?.body.error)).toContain(saying);
  const { attachments } = server.store;
  expect(await attachments.get(record.id)).toBeUndefined();
  expect(await attachments.firstChunkBytes(record.blobKey)).toBeUndefined();
  expect(await attachments.bytesHeldBy(record.uploaderId)).toBe(0);
}

/** Runs `during` when the erasure's last step has run, before the route disconnects the user. */
function afterLastStep(server: RunningServer, during: () => Promise<void>): () => void {
  const { privacy } = server.store;
  const lastStep = privacy.eraseUser;
  privacy.eraseUser = async (...args) => {
    const erased = await lastStep(...args);
    await during();
    return erased;
  };
  return () => {
    privacy.eraseUser = lastStep;
  };
}

describe.each(await storeTargets())('erasure against live traffic on $name', (target) => {
  const world = useWorld(target, { ROUTING: 'auto' });

  it('a chat the user opens while the erasure runs is refused, and none is left open, routed or queued', async () => {
    const server = world.server();
    const admin = await world.admin();
    const userId = world.uid('live-erase');
    const opened = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
    expect(opened.status).toBe(200);
    // The user opens another chat after the erasure read their chats, before its last step.
    const { privacy } = server.store;
    const lastStep = privacy.eraseUser;
    let late: { status: number; body: Record<string, unknown> } | undefined;
    privacy.eraseUser = async (...args) => {
      late = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim again' });
      return lastStep(...args);
    };
    try {
      const res = await erase(server, userId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(succeeded(res).chats).toBe(1);
    } finally {
      privacy.eraseUser = lastStep;
    }
    expect(late?.status, JSON.stringify(late?.body)).toBe(409);
    expect(late?.body).toMatchObject({ success: false, code: 'ERASURE_IN_PROGRESS' });
    const waiting = await api(server, 'GET', `/api/chats/waiting?${AS_SUPER}`);
    const queued = (waiting.body.chats as Chat[]).filter((c) => c.userId === userId);
    expect(queued).toEqual([]);
    const held = await api(server, 'GET', `/api/chats/admin/${admin.id}?adminId=${admin.id}`);
    expect((held.body.chats as Chat[]).filter((c) => c.userId === userId)).toEqual([]);
  });

  it('a second DELETE while the first has not finished is refused with 409 ERASURE_IN_PROGRESS; once it has, it answers alreadyErased', async () => {
    const server = world.server();
    const user = await world.user();
    const first = await user.client.emitAck('send-message', { content: 'erase me twice' });
    expect(first).toMatchObject({ success: true });
    const seen: unknown[] = [];
    const restore = afterLastStep(server, async () => {
      restore(); // only the first DELETE pauses here
      // The first has stored its last step, not yet disconnected the user nor ended its hold.
      const second = await erase(server, user.id);
      seen.push({ connected: user.client.socket.connected, status: second.status, ...second.body });
    });
    try {
      const res = await erase(server, user.id);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(succeeded(res)).toMatchObject({ alreadyErased: false, chats: 1 });
    } finally {
      restore();
    }
    expect(seen).toMatchObject([
      { connected: true, status: 409, success: false, code: 'ERASURE_IN_PROGRESS' },
    ]);
    const after = await erase(server, user.id);
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(succeeded(after)).toMatchObject({ alreadyErased: true, chats: 0, messages: 0 });
  });

  it('a chat the user opens after the last step began and before their sockets go is refused, and after the erasure they may open one again', async () => {
    const server = world.server();
    const user = await world.user();
    const first = await user.client.emitAck('send-message', { content: 'my card is lost' });
    expect(first).toMatchObject({ success: true });
    const disconnected = new Promise<void>((resolve) =>
      user.client.socket.once('disconnect', () => resolve()),
    );
    const refusals: unknown[] = [];
    const restore = afterLastStep(server, async () => {
      // Still connected: the route has not published the disconnect yet.
      refusals.push({ connected: user.client.socket.connected });
      refusals.push(await user.client.emitAck('send-message', { content: 'one more thing' }));
      const rest = await api(server, 'POST', '/api/messages', {
        senderId: user.id,
        senderType: 'user',
        senderName: user.name,
        content: 'and by REST',
      });
      refusals.push({ status: rest.status, ...rest.body });
    });
    try {
      const res = await erase(server, user.id);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(succeeded(res)).toMatchObject({ alreadyErased: false, chats: 1 });
    } finally {
      restore();
    }
    expect(refusals).toMatchObject([
      { connected: true },
      { success: false, code: 'ERASURE_IN_PROGRESS' },
      { status: 409, success: false, code: 'ERASURE_IN_PROGRESS' },
    ]);
    await disconnected;
    // Nothing under the user's own id survived the erasure.
    expect(await server.store.listChats({ kind: 'byUser', userId: user.id }, 10)).toEqual([]);
    // The erasure is over: the hold went with it.
    const again = await api(server, 'POST', '/api/chats', { userId: user.id, userName: 'Olim' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ isNew: true, chat: { userId: user.id, userName: 'Olim' } });
  });

  it('an upload that began before the erasure and stores its record after its last step is refused, leaving no record and no bytes', async () => {
    const server = world.server();
    const user = await world.user();
    const sent = await user.client.emitAck('send-message', { content: 'a statement follows' });
    expect(sent).toMatchObject({ success: true });
    // The upload's bytes are stored; its record waits until the erasure's last step has run.
    const { attachments } = server.store;
    const held = holdRecordsOf(server, user.id);
    let late: ApiResponse | undefined;
    try {
      const uploading = upload(server, asUploadBy(user, 'statement 0042'));
      const record = await held.reached;
      expect(await attachments.firstChunkBytes(record.blobKey)).toBeGreaterThan(0);
      const restore = afterLastStep(server, async () => {
        held.release();
        late = await uploading;
      });
      try {
        const res = await erase(server, user.id);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        // Nothing of it was there to erase: its record was not written.
        expect(succeeded(res)).toMatchObject({ alreadyErased: false, chats: 1, attachments: 0 });
      } finally {
        restore();
      }
      await refusedLeavingNothing(server, late, record, 'being erased');
    } finally {
      held.restore();
    }
  });

  it("an upload admitted before an erasure whose record lands after the erasure has ended is refused: the file is the erased person's", async () => {
    const server = world.server();
    const user = await world.user();
    const sent = await user.client.emitAck('send-message', { content: 'a slow upload follows' });
    expect(sent).toMatchObject({ success: true });
    const held = holdRecordsOf(server, user.id);
    try {
      const uploading = upload(server, asUploadBy(user, 'statement 0043'));
      const record = await held.reached;
      // The whole erasure runs, hold and all, while the record waits.
      const res = await erase(server, user.id);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      await server.store.privacy.refuseWhileHeld(user.id);
      held.release();
      const late = await uploading;
      await refusedLeavingNothing(
        server,
        late,
        record,
        'erased while this file was being uploaded',
      );
    } finally {
      held.restore();
    }
    // Admitted after the erasure: a returning user's file, stored.
    const fresh = await upload(server, asUploadBy(user, 'a new statement'));
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
  });

  it('an upload while the user is held is refused before anything of it is stored; after the erasure the same id uploads again', async () => {
    const server = world.server();
    const user = await world.user();
    const sent = await user.client.emitAck('send-message', { content: 'my card is lost' });
    expect(sent).toMatchObject({ success: true });
    const { attachments } = server.store;
    const insert = attachments.insertIfRoom;
    let inserts = 0;
    attachments.insertIfRoom = (record, fits, uploader) => {
      if (record.uploaderId === user.id) inserts++;
      return insert(record, fits, uploader);
    };
    let refused: ApiResponse | undefined;
    const restore = afterLastStep(server, async () => {
      refused = await upload(server, asUploadBy(user, 'uploaded while held'));
    });
    try {
      const res = await erase(server, user.id);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    } finally {
      restore();
      attachments.insertIfRoom = insert;
    }
    expect(refused?.status, JSON.stringify(refused?.body)).toBe(409);
    expect(refused?.body).toMatchObject({ success: false, code: 'ERASURE_IN_PROGRESS' });
    // Refused on arrival: its record was never asked for (nor were its bytes stored).
    expect(inserts).toBe(0);
    expect(await attachments.bytesHeldBy(user.id)).toBe(0);
    // The erasure is over: a returning user with the same id uploads as anyone does.
    const again = uploaded(await upload(server, asUploadBy(user, 'uploaded afterwards')));
    expect(await attachments.get(again.id)).toMatchObject({ uploaderId: user.id });
  });

  it('a socket the disconnect has not reached yet is refused while the user is held, and stores nothing', async () => {
    const server = world.server();
    const user = await world.user();
    const first = await user.client.emitAck('send-message', { content: 'my card is lost' });
    expect(first).toMatchObject({ success: true });
    const chatId = accepted(first).chat._id;
    // Out of the rooms the erasure disconnects: as a socket on a node the disconnect, sent
    // through the adapter, has not reached yet.
    server.io.in(rooms.user(user.id)).socketsLeave(rooms.user(user.id));
    const { privacy } = server.store;
    const endHold = privacy.endErasureHold;
    const tries: Record<string, unknown> = {};
    privacy.endErasureHold = async (holdId) => {
      // The route has published the erasure's effects: only the hold is left to end.
      tries.connected = user.client.socket.connected;
      tries.opening = await user.client.emitAck('send-message', { content: 'still there?' });
      tries.toErased = await user.client.emitAck('send-message', { chatId, content: 'hello?' });
      tries.read = await user.client.emitAck('mark-read', {
        chatId,
        readerId: user.id,
        readerType: 'user',
      });
      tries.typing = await user.client.emitAck('typing', {
        chatId,
        userId: user.id,
        userName: user.name,
        isTyping: true,
      });
      const uploading = await upload(server, asUploadBy(user, 'a late file'));
      tries.upload = { status: uploading.status, ...uploading.body };
      tries.chats = await server.store.listChats({ kind: 'byUser', userId: user.id }, 10);
      tries.held = await server.store.attachments.bytesHeldBy(user.id);
      return endHold(holdId);
    };
    try {
      const res = await erase(server, user.id);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    } finally {
      privacy.endErasureHold = endHold;
    }
    const erased = await server.store.getChat(chatId);
    expect(tries).toMatchObject({
      connected: true,
      opening: { success: false, code: 'ERASURE_IN_PROGRESS' },
      // Its chat is closed, and no longer theirs: the erasure gave it the pseudonym.
      toErased: { success: false, code: 'CHAT_CLOSED' },
      read: { success: false, code: 'FORBIDDEN' },
      typing: { success: false, code: 'FORBIDDEN' },
      upload: { status: 409, success: false, code: 'ERASURE_IN_PROGRESS' },
      chats: [],
      held: 0,
    });
    // The erased chat took nothing: its one message, erased.
    expect(erased).toMatchObject({ status: 'closed', userName: '[erased]' });
    const history = await server.store.historyPage(chatId, 1, 10);
    expect(history.total).toBe(1);
    expect(history.messages.map((m) => m.content)).toEqual(['[erased]']);
  });

  it('an erasure that fails half-way does not hold the user: they open a chat at once, and a later DELETE erases it', async () => {
    const server = world.server();
    const userId = world.uid('failed-erase');
    const opened = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
    expect(opened.status).toBe(200);
    const closed = await api(
      server,
      'PATCH',
      `/api/chats/${(opened.body.chat as Chat)._id}/close`,
      { userId },
    );
    expect(closed.status).toBe(200);
    const { privacy } = server.store;
    const lastStep = privacy.eraseUser;
    privacy.eraseUser = () => Promise.reject(new Error('the database went away'));
    try {
      expect((await erase(server, userId)).status).toBe(500);
    } finally {
      privacy.eraseUser = lastStep;
    }
    const reopened = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    const res = await erase(server, userId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(succeeded(res)).toMatchObject({ alreadyErased: false, chats: 2 });
  });

  it('an erasure whose hold cannot be ended afterwards still answers what it erased (the hold lapses when stale)', async () => {
    const server = world.server();
    const userId = world.uid('hold-left');
    const opened = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
    expect(opened.status).toBe(200);
    const { privacy } = server.store;
    const endHold = privacy.endErasureHold;
    privacy.endErasureHold = () => Promise.reject(new Error('the database went away'));
    try {
      const res = await erase(server, userId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(succeeded(res)).toMatchObject({ alreadyErased: false, chats: 1 });
    } finally {
      privacy.endErasureHold = endHold;
    }
  });
});

describe.each(await storeTargets())('erasure holds on $name', (target) => {
  it('a hold whose node died (not renewed for erasureHoldStaleMs) refuses nothing; a fresh one refuses until it ends', async () => {
    const db = await target.create();
    const server = await startTestServer(db.config);
    try {
      const { privacy } = server.store;
      const userId = 'held-by-a-dead-node';
      // Written, then never renewed: its node died longer ago than the bound.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() - TUNABLES.erasureHoldStaleMs.value - 1000);
      try {
        await privacy.holdErasure(userId);
      } finally {
        vi.useRealTimers();
      }
      const opened = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
      expect(opened.status, JSON.stringify(opened.body)).toBe(200);
      const chatId = (opened.body.chat as Chat)._id;
      const closed = await api(server, 'PATCH', `/api/chats/${chatId}/close`, { userId });
      expect(closed.status).toBe(200);
      const holdId = await privacy.holdErasure(userId);
      const refused = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'ERASURE_IN_PROGRESS' });
      await privacy.endErasureHold(holdId);
      const again = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body).toMatchObject({ isNew: true });
    } finally {
      await server.close();
      await db.drop();
    }
  });
  it('a hold its node left by dying is deleted when any erasure ends (it names the user)', async () => {
    const db = await target.create();
    const server = await startTestServer(db.config);
    try {
      const deadNodesUser = 'held-then-left-7c1e';
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() - TUNABLES.erasureHoldStaleMs.value - 1000);
      try {
        await server.store.privacy.holdErasure(deadNodesUser);
      } finally {
        vi.useRealTimers();
      }
      const someoneElse = 'erased-later-user';
      const opened = await api(server, 'POST', '/api/chats', {
        userId: someoneElse,
        userName: 'Olim',
      });
      expect(opened.status).toBe(200);
      expect((await erase(server, someoneElse)).status).toBe(200);
    } finally {
      await server.close();
    }
    try {
      expect(await whereStored(db.config, ['held-then-left-7c1e'])).toEqual([]);
    } finally {
      await db.drop();
    }
  });
  it('a long erasure renews its hold between its steps: an opening after more than erasureHoldStaleMs of them is refused', async () => {
    const db = await target.create();
    const server = await startTestServer(db.config);
    const { privacy } = server.store;
    const eraseChunk = privacy.eraseMessages;
    const stale = TUNABLES.erasureHoldStaleMs.value;
    try {
      const userId = 'held-by-a-long-erasure';
      // Three chats with a message each: three steps of the erasure (a chunk of messages each).
      for (let i = 0; i < 3; i++) {
        const opened = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
        const chatId = (opened.body.chat as Chat)._id;
        const sent = await api(server, 'POST', '/api/messages', {
          chatId,
          senderId: userId,
          senderType: 'user',
          senderName: 'Olim',
          content: `message ${i}`,
        });
        expect(sent.status, JSON.stringify(sent.body)).toBe(200);
        await api(server, 'PATCH', `/api/chats/${chatId}/close`, { userId });
      }
      // Each step takes most of the bound: together, more than all of it.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now());
      privacy.eraseMessages = async (...args) => {
        vi.setSystemTime(Date.now() + stale * 0.6);
        return eraseChunk(...args);
      };
      let late: { status: number; body: Record<string, unknown> } | undefined;
      const restore = afterLastStep(server, async () => {
        late = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
      });
      try {
        const res = await erase(server, userId);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(succeeded(res)).toMatchObject({ alreadyErased: false, chats: 3 });
      } finally {
        restore();
      }
      expect(late?.status, JSON.stringify(late?.body)).toBe(409);
      expect(late?.body).toMatchObject({ code: 'ERASURE_IN_PROGRESS' });
    } finally {
      privacy.eraseMessages = eraseChunk;
      vi.useRealTimers();
      await server.close();
      await db.drop();
    }
  });
});

/**
 * A server on a fresh PostgreSQL database, and a connection of its own standing for another
 * node's transaction (rolled back, if still open, when `run` ends).
 */
async function withAnotherNode(
  target: StoreTarget,
  run: (server: RunningServer, other: pg.Client) => Promise<void>,
): Promise<void> {
  const db = await target.create();
  if (db.config.kind !== 'postgres') throw new Error('a PostgreSQL target');
  const server = await startTestServer(db.config);
  const other = new pg.Client({ connectionString: db.config.url });
  await other.connect();
  try {
    await run(server, other);
  } finally {
    await other.query('ROLLBACK').catch(() => undefined);
    await other.end();
    await server.close();
    await db.drop();
  }
}

describe.each((await storeTargets()).filter((t) => t.name === 'postgres'))(
  'erasure against an opening in flight on another node, on $name',
  (target) => {
    it('an opening that read "no hold" and has not committed yet is waited for, and its chat erased', () =>
      withAnotherNode(target, async (server, other) => {
        const userId = 'opens-in-flight';
        const template = await api(server, 'POST', '/api/chats', {
          userId: 'someone-else',
          userName: 'S',
        });
        // Another node's opening, stopped between its read of the holds and its commit.
        await other.query('BEGIN');
        await other.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [
          ERASURE_LOCK_CLASS,
          userId,
        ]);
        const held = await other.query('SELECT 1 FROM erasure_holds WHERE "userId" = $1', [userId]);
        expect(held.rowCount).toBe(0);
        await other.query(
          `INSERT INTO chats SELECT (jsonb_populate_record(NULL::chats, to_jsonb(c) || $2::jsonb)).*
         FROM chats c WHERE id = $1`,
          [
            (template.body.chat as Chat)._id,
            JSON.stringify({ id: 'chat-in-flight', userId, userName: `Olim ${userId}` }),
          ],
        );
        let answered = false;
        const erasing = erase(server, userId).finally(() => {
          answered = true;
        });
        await untilSomeoneWaitsForALock(other, () => answered);
        expect(answered).toBe(false);
        await other.query('COMMIT');
        const res = await erasing;
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(succeeded(res)).toMatchObject({ alreadyErased: false, chats: 1 });
        expect(await server.store.listChats({ kind: 'byUser', userId }, 10)).toEqual([]);
        expect(await server.store.getChat('chat-in-flight')).toMatchObject({
          userName: '[erased]',
          status: 'closed',
        });
      }));

    it('an opening while another node writes its hold waits for that hold, then is refused', () =>
      withAnotherNode(target, async (server, other) => {
        const userId = 'opens-during-hold';
        // Another node's erasure, stopped between taking the user's lock and its commit.
        await holdWrittenNotCommitted(other, userId);
        let answered = false;
        const opening = api(server, 'POST', '/api/chats', { userId, userName: 'Olim' }).finally(
          () => {
            answered = true;
          },
        );
        await untilSomeoneWaitsForALock(other, () => answered);
        // Had it read the holds without the lock, it would have seen none and opened a chat.
        expect(answered).toBe(false);
        await other.query('COMMIT');
        const res = await opening;
        expect(res.status, JSON.stringify(res.body)).toBe(409);
        expect(res.body).toMatchObject({ code: 'ERASURE_IN_PROGRESS' });
        expect(await server.store.listChats({ kind: 'byUser', userId }, 10)).toEqual([]);
      }));
  },
);
