/**
 * Automatic assignment's conformance on both stores (store/routing.ts): the oldest waiting
 * chat goes to the available admin with the fewest active chats below maxChats, ties to
 * the oldest last assignment; away, unnamed and full admins and locked chats are passed
 * over; an unanswered assignment goes back to the queue and to someone else; a batch
 * assigns as one chat at a time would. On PostgreSQL, stores racing like nodes (one chat
 * or a few per transaction) never put an admin over maxChats.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/auth/actor.js';
import { nextAgent, type RoutingCandidate } from '../../src/routing/rules.js';
import type { Chat } from '../../src/schemas/shapes.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

/** Everyone named is connected (presence is the caller's: these tests name who is). */
const connected = async (adminIds: readonly string[]) => adminIds;

/** One chat at a time, as the rule decides. */
const assignOne = async (store: Store, adminIds: string[], defaultMaxChats: number) =>
  (
    await store.assignWaiting(adminIds, { defaultMaxChats, max: 1, choose: nextAgent, connected })
  )[0];

const admin = (id: string): Actor => ({ kind: 'person', id, name: id, role: 'admin' });

describe.each(await storeTargets())('routing on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  beforeEach(async () => {
    db = await target.create();
    store = await openStore(db.config);
  });
  afterEach(async () => {
    await store?.close();
    await db?.drop();
  });

  const agent = async (id: string, options: { away?: boolean; maxChats?: number } = {}) => {
    await store.recordAdmin({ id, name: `Name of ${id}` });
    await store.joinAgent(id, options.away ? 'away' : 'available');
    if (options.maxChats !== undefined) await store.setAgentMaxChats(id, options.maxChats);
  };
  const open = async (userId: string) => {
    const { chat } = await store.openChat({ userId, userName: userId, online: false });
    // A createdAt of its own: the queue's order is by it.
    await new Promise((resolve) => setTimeout(resolve, 3));
    return chat;
  };
  const loads = async (ids: string[]) =>
    Object.fromEntries(
      (await store.listAgents({ adminIds: ids })).map((a) => [a.adminId, a.activeChats]),
    );

  it('gives the oldest waiting chat to the least-loaded admin, as an active chat with their name', async () => {
    await agent('busy');
    await agent('idle');
    const held = await open('u-held');
    await store.takeChat(held._id, { id: 'busy', name: 'Busy' }, false);
    const first = await open('u-first');
    await open('u-second');
    const assigned = await assignOne(store, ['busy', 'idle'], 5);
    expect(assigned).toMatchObject({ adminId: 'idle', adminName: 'Name of idle' });
    expect(assigned?.chat).toMatchObject({
      _id: first._id,
      status: 'active',
      assignedAdminId: 'idle',
      assignedAdminName: 'Name of idle',
    });
    expect(await store.getChat(first._id)).toMatchObject({ assignedAdminId: 'idle' });
    // In the chat's audit chain, as a take: by the server, to the admin.
    const entries = await store.audit.chainEntries(`chat:${first._id}`, 0, 10);
    expect(entries.at(-1)).toMatchObject({
      action: 'chat.taken',
      actor: { role: 'system' },
      details: { adminId: 'idle', routed: true },
    });
  });

  it('ties go to the admin whose last assignment is oldest, one who never had one first', async () => {
    for (const id of ['t-a', 't-b', 't-c']) await agent(id);
    for (const u of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']) await open(`tie-${u}`);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const assigned = await assignOne(store, ['t-c', 't-b', 't-a'], 5);
      order.push(assigned?.adminId ?? 'none');
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    // Equal loads and no history: by id; from then on, round the table by oldest turn.
    expect(order).toEqual(['t-a', 't-b', 't-c', 't-a', 't-b', 't-c']);
  });

  it('never goes over maxChats (or the default); the rest wait, oldest first', async () => {
    await agent('cap-1', { maxChats: 1 });
    await agent('cap-d');
    const chats = [];
    for (let i = 0; i < 5; i++) chats.push(await open(`cap-u${i}`));
    const given = [];
    for (;;) {
      const assigned = await assignOne(store, ['cap-1', 'cap-d'], 2);
      if (!assigned) break;
      given.push(assigned.chat._id);
    }
    expect(given).toEqual(chats.slice(0, 3).map((c) => c._id));
    expect(await loads(['cap-1', 'cap-d'])).toEqual({ 'cap-1': 1, 'cap-d': 2 });
    expect((await store.getChat(chats[3]?._id ?? ''))?.status).toBe('waiting');
    // Capacity appears: the next oldest goes.
    await store.closeChat(given[0] ?? '', admin('cap-1'));
    expect((await assignOne(store, ['cap-1', 'cap-d'], 2))?.chat._id).toBe(chats[3]?._id);
  });

  it('passes over admins who are away, unnamed (offline) or have no row, and locked waiting chats', async () => {
    await agent('p-away', { away: true });
    await agent('p-offline');
    await store.recordAdmin({ id: 'p-unjoined', name: 'Unjoined' });
    await open('p-u1');
    expect(await assignOne(store, ['p-away', 'p-unjoined'], 5)).toBeUndefined();
    expect(await assignOne(store, [], 5)).toBeUndefined();
    await agent('p-on');
    expect((await assignOne(store, ['p-away', 'p-on'], 5))?.adminId).toBe('p-on');
    expect(await assignOne(store, ['p-on'], 5)).toBeUndefined(); // nothing waits
  });

  it('sends an unanswered assignment back to the queue, then to someone else', async () => {
    await agent('r-slow');
    const chat = await open('r-u1');
    expect((await assignOne(store, ['r-slow'], 5))?.adminId).toBe('r-slow');
    expect(await store.requeueUnanswered(new Date(0).toISOString(), 10)).toEqual([]);
    const requeued = await store.requeueUnanswered(new Date(Date.now() + 1000).toISOString(), 10);
    expect(requeued.map((r) => [r.chat._id, r.chat.status, r.fromAdminId])).toEqual([
      [chat._id, 'waiting', 'r-slow'],
    ]);
    expect(await store.getChat(chat._id)).toMatchObject({
      status: 'waiting',
      assignedAdminId: null,
    });
    const entries = await store.audit.chainEntries(`chat:${chat._id}`, 0, 10);
    expect(entries.at(-1)).toMatchObject({
      action: 'chat.unlocked',
      actor: { role: 'system' },
      details: { fromAdminId: 'r-slow', reason: 'reply-timeout' },
    });
    // Settled: a second sweep finds nothing.
    expect(await store.requeueUnanswered(new Date(Date.now() + 1000).toISOString(), 10)).toEqual(
      [],
    );
    await agent('r-next');
    // r-slow has fewer chats than nobody else and the oldest turn, yet r-next gets it.
    await store.setAgentMaxChats('r-next', 5);
    const again = await assignOne(store, ['r-slow', 'r-next'], 5);
    expect(again?.adminId).toBe('r-next');
  });

  it('gives a requeued chat back to the same admin only when nobody else has room', async () => {
    await agent('s-only');
    await agent('s-full', { maxChats: 0 });
    const chat = await open('s-u1');
    await assignOne(store, ['s-only'], 5);
    await store.requeueUnanswered(new Date(Date.now() + 1000).toISOString(), 10);
    const again = await assignOne(store, ['s-only', 's-full'], 5);
    expect([again?.chat._id, again?.adminId]).toEqual([chat._id, 's-only']);
  });

  it('leaves an assignment its admin answered or that changed hands; one its admin only locked goes back, unlocked', async () => {
    await agent('k-a');
    await agent('k-b');
    const [answered, locked, moved] = [await open('k-u1'), await open('k-u2'), await open('k-u3')];
    for (let i = 0; i < 3; i++) await assignOne(store, ['k-a'], 5);
    await store.appendMessage({
      chatId: answered._id,
      senderId: 'k-a',
      senderRole: 'admin',
      senderType: 'admin',
      senderName: 'A',
      content: 'Hello, how can I help?',
      messageType: 'text',
      fileUrl: null,
      clientMessageId: null,
      effect: { lastMessage: 'Hello', unreadIncrement: 0 },
    });
    await store.takeChat(locked._id, { id: 'k-a', name: 'A' }, true);
    await store.transferChat(moved._id, 'k-a', { id: 'k-b', name: 'B' });
    const requeued = await store.requeueUnanswered(new Date(Date.now() + 1000).toISOString(), 10);
    // A lock says who holds the chat, not that the user was answered.
    expect(requeued.map((r) => r.chat._id)).toEqual([locked._id]);
    expect(await store.getChat(locked._id)).toMatchObject({
      status: 'waiting',
      assignedAdminId: null,
      isLocked: false,
      lockedByAdminId: null,
    });
    for (const c of [answered, moved]) {
      expect((await store.getChat(c._id))?.status).toBe('active');
    }
  });

  it('leaves a chat its admin took back by hand after it left them, unlocked or transferred away and back', async () => {
    await agent('h-a');
    await agent('h-b');
    const [retaken, returned] = [await open('h-u1'), await open('h-u2')];
    for (let i = 0; i < 2; i++) await assignOne(store, ['h-a'], 5);
    // Let go, then taken again by hand (not routed): never timed out.
    await store.releaseChat(retaken._id, 'h-a');
    await store.takeChat(retaken._id, { id: 'h-a', name: 'A' }, false);
    await store.transferChat(returned._id, 'h-a', { id: 'h-b', name: 'B' });
    await store.transferChat(returned._id, 'h-b', { id: 'h-a', name: 'A' });
    expect(await store.requeueUnanswered(new Date(Date.now() + 1000).toISOString(), 10)).toEqual(
      [],
    );
    for (const c of [retaken, returned]) {
      expect(await store.getChat(c._id)).toMatchObject({
        status: 'active',
        assignedAdminId: 'h-a',
      });
    }
  });

  it('gives nothing to an admin no longer connected when the batch commits: their chats go to the next admin, or wait', async () => {
    await agent('c-gone');
    await agent('c-here');
    const chats = [await open('c-u1'), await open('c-u2')];
    const asked: string[][] = [];
    const withoutGone = async (adminIds: readonly string[]) => {
      asked.push([...adminIds]);
      return adminIds.filter((id) => id !== 'c-gone');
    };
    const both = await store.assignWaiting(['c-gone', 'c-here'], {
      defaultMaxChats: 5,
      max: 5,
      choose: nextAgent,
      connected: withoutGone,
    });
    // The rule gave c-gone the first chat; asked before the commit, it is rolled back.
    expect(asked[0]).toEqual(['c-gone', 'c-here']);
    expect(both.map((a) => [a.chat._id, a.adminId])).toEqual(chats.map((c) => [c._id, 'c-here']));
    expect(await loads(['c-gone', 'c-here'])).toEqual({ 'c-gone': 0, 'c-here': 2 });
    const later = await open('c-u3');
    const none = await store.assignWaiting(['c-gone'], {
      defaultMaxChats: 5,
      max: 5,
      choose: nextAgent,
      connected: withoutGone,
    });
    expect(none).toEqual([]);
    expect(await store.getChat(later._id)).toMatchObject({
      status: 'waiting',
      assignedAdminId: null,
    });
  });

  it('ends when every admin given chats has left, in fewer rounds than admins named; the chats wait, unrecorded', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `l-${String(i).padStart(2, '0')}`);
    for (const id of ids) await agent(id);
    const chats = [await open('l-u1'), await open('l-u2'), await open('l-u3')];
    let rounds = 0;
    const nobody = async (_adminIds: readonly string[]) => {
      rounds += 1;
      return [];
    };
    const none = await store.assignWaiting(ids, {
      defaultMaxChats: 5,
      max: 3,
      choose: nextAgent,
      connected: nobody,
    });
    expect(none).toEqual([]);
    // Each round leaves out the (up to three) admins it gave chats to.
    expect(rounds).toBe(ids.length / chats.length);
    for (const chat of chats) {
      expect(await store.getChat(chat._id)).toMatchObject({
        status: 'waiting',
        assignedAdminId: null,
      });
      const entries = await store.audit.chainEntries(`chat:${chat._id}`, 0, 10);
      expect(entries.map((e) => e.action)).not.toContain('chat.taken');
    }
    expect(Object.values(await loads(ids)).every((n) => n === 0)).toBe(true);
  });

  it('assigns a batch oldest first, counting each assignment before the next, as one at a time would', async () => {
    const caps: Record<string, number> = { 'b-a': 2, 'b-b': 3, 'b-c': 4 };
    for (const [id, cap] of Object.entries(caps)) await agent(id, { maxChats: cap });
    const chats = [];
    for (let i = 0; i < 12; i++) chats.push(await open(`b-u${i}`));
    const batch = await store.assignWaiting(Object.keys(caps), {
      defaultMaxChats: 5,
      max: 20,
      choose: nextAgent,
      connected,
    });
    // The rule, applied by hand to the same admins, one chat after another.
    const mirror: RoutingCandidate[] = Object.entries(caps).map(([adminId, maxChats]) => ({
      adminId,
      maxChats,
      activeChats: 0,
      lastAssignedAt: null,
    }));
    const expected: string[] = [];
    for (let i = 0; i < 9; i++) {
      const next = nextAgent(mirror);
      if (!next) break;
      next.activeChats += 1;
      next.lastAssignedAt = String(i).padStart(3, '0');
      expected.push(next.adminId);
    }
    expect(batch.map((a) => a.adminId)).toEqual(expected);
    expect(batch.map((a) => a.chat._id)).toEqual(chats.slice(0, 9).map((c) => c._id));
    expect(await loads(Object.keys(caps))).toEqual({ 'b-a': 2, 'b-b': 3, 'b-c': 4 });
    // Ties in the next batch still go by the order of this one.
    await store.closeChat(chats[0]?._id ?? '', admin(batch[0]?.adminId ?? ''));
    await store.closeChat(chats[1]?._id ?? '', admin(batch[1]?.adminId ?? ''));
    const next = await assignOne(store, Object.keys(caps), 5);
    expect(next?.adminId).toBe(batch[0]?.adminId);
  });

  for (const manual of ['take', 'transfer'] as const) {
    it(`a ${manual} that adds to an admin's load while routing counts it never lets routing put them over maxChats`, async () => {
      await agent('m-a', { maxChats: 1 });
      await agent('m-b');
      const routed = await open('m-u1');
      const byHand = await open('m-u2');
      if (manual === 'transfer') await store.takeChat(byHand._id, { id: 'm-b', name: 'B' }, false);
      // Another node's store on PostgreSQL; SQLite has one store per file.
      const node = db.config.kind === 'postgres' ? await openStore(db.config) : store;
      const watch = db.config.kind === 'postgres' ? new pg.Client(db.config.url) : undefined;
      await watch?.connect();
      try {
        // Started once routing has counted m-a's load under its lock (the rule is asked
        // first right after), on a chat routing leaves alone (max 1: the oldest only).
        let change: Promise<Chat | undefined> | undefined;
        let settled = false;
        const start = () =>
          (manual === 'take'
            ? node.takeChat(byHand._id, { id: 'm-a', name: 'A' }, false).then((t) => t?.chat)
            : node.transferChat(byHand._id, 'm-b', { id: 'm-a', name: 'A' })
          ).finally(() => {
            settled = true;
          });
        // The change commits, or waits for a lock (PostgreSQL) or the one connection
        // (SQLite, where it cannot commit while routing's transaction runs).
        const waitsOrCommits = async (): Promise<void> => {
          const waiting = async () => {
            if (!watch) return new Promise<void>((resolve) => setTimeout(resolve, 200));
            for (;;) {
              const { rows } = await watch.query(
                `SELECT count(*)::int AS n FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'`,
              );
              if (rows[0]?.n > 0) return;
              await new Promise((resolve) => setTimeout(resolve, 10));
            }
          };
          await Promise.race([change, waiting()]);
        };
        let committedFirst = false;
        const assigned = await store.assignWaiting(['m-a'], {
          defaultMaxChats: 5,
          max: 1,
          choose: (candidates, skip) => {
            change ??= start();
            return nextAgent(candidates, skip);
          },
          // Just before routing commits.
          connected: async (adminIds) => {
            await waitsOrCommits();
            committedFirst = settled;
            return adminIds;
          },
        });
        expect(await change).toMatchObject({ _id: byHand._id, assignedAdminId: 'm-a' });
        // Routing gives m-a the chat only when the manual change commits after it.
        expect(committedFirst).toBe(false);
        expect(assigned.map((a) => [a.chat._id, a.adminId])).toEqual([[routed._id, 'm-a']]);
        // A manual change may go past maxChats (the contract's); routing may not.
        expect(await loads(['m-a'])).toEqual({ 'm-a': 2 });
        expect(await assignOne(store, ['m-a'], 5)).toBeUndefined();
      } finally {
        await watch?.end();
        if (node !== store) await node.close();
      }
    });
  }

  if (target.name === 'postgres') {
    it('stores racing like nodes put no admin over maxChats and assign each chat once', async () => {
      const nodes = await Promise.all([1, 2, 3].map(() => openStore(db.config)));
      try {
        const admins = ['n-a', 'n-b', 'n-c', 'n-d'];
        for (const [i, id] of admins.entries()) await agent(id, { maxChats: i + 2 }); // 2+3+4+5
        const chats = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            store.openChat({ userId: `n-u${i}`, userName: 'U', online: false }),
          ),
        );
        const drain = async (node: Store, max: number) => {
          const got: string[] = [];
          for (;;) {
            const batch = await node.assignWaiting(admins, {
              defaultMaxChats: 5,
              max,
              choose: nextAgent,
              connected,
            });
            if (batch.length === 0) return got;
            got.push(...batch.map((a) => a.chat._id));
          }
        };
        const given = (await Promise.all(nodes.flatMap((n) => [drain(n, 1), drain(n, 3)]))).flat();
        expect(given).toHaveLength(14);
        expect(new Set(given).size).toBe(14);
        expect(await loads(admins)).toEqual({ 'n-a': 2, 'n-b': 3, 'n-c': 4, 'n-d': 5 });
        // The oldest fourteen were given; the rest wait.
        const byAge = [...chats.map((c) => c.chat)].sort(
          (a, b) => a.createdAt.localeCompare(b.createdAt) || b._id.localeCompare(a._id),
        );
        expect(new Set(given)).toEqual(new Set(byAge.slice(0, 14).map((c) => c._id)));
      } finally {
        await Promise.all(nodes.map((n) => n.close()));
      }
    });

    it("leaves an assignment whose admin's answer commits while the sweep waits for the chat", async () => {
      if (db.config.kind !== 'postgres') return;
      await agent('w-a');
      const chat = await open('w-u1');
      await assignOne(store, ['w-a'], 5);
      // The answer, as the append writes it (the message and the chat row), held uncommitted.
      const answer = new pg.Client({ connectionString: db.config.url });
      await answer.connect();
      try {
        await answer.query('BEGIN');
        const at = new Date().toISOString();
        await answer.query(
          `INSERT INTO messages (id, "chatId", seq, "senderId", "senderType", "senderName", content,
             "messageType", "isRead", "createdAt", "updatedAt")
           VALUES ('w-m1', $1, 1, 'w-a', 'admin', 'A', 'Hello', 'text', 0, $2, $2)`,
          [chat._id, at],
        );
        await answer.query(
          `UPDATE chats SET "lastSeq" = 1, "adminMessages" = "adminMessages" + 1 WHERE id = $1`,
          [chat._id],
        );
        const sweep = store.requeueUnanswered(new Date(Date.now() + 1000).toISOString(), 10);
        // The sweep's statement has begun and waits for the chat's row.
        const waits = async () =>
          (
            await answer.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          ).rows[0]?.n > 0;
        while (!(await waits())) await new Promise((resolve) => setTimeout(resolve, 10));
        await answer.query('COMMIT');
        expect(await sweep).toEqual([]);
        expect(await store.getChat(chat._id)).toMatchObject({
          status: 'active',
          assignedAdminId: 'w-a',
        });
      } finally {
        await answer.end();
      }
    });
  }
});
