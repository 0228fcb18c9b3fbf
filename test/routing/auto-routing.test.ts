/**
 * ROUTING=auto over REST and Socket.io, on each store: a waiting chat goes to the
 * available admin with the fewest active chats below maxChats, with the events of a
 * manual assign plus chat-assigned to that admin; the queue drains when capacity appears
 * (a chat closed, an admin available, maxChats raised); manual take, lock and transfer
 * still work; ROUTING_REPLY_TIMEOUT sends an unanswered chat to someone else. With the
 * default ROUTING=manual nothing is assigned by itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Chat } from '../../src/schemas/shapes.js';
import { openChat, restSend } from '../helpers/flows.js';
import { request, succeeded } from '../helpers/server.js';
import { accepted, joinAs } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { type Person, useWorld, type World } from '../helpers/world.js';

// The sweep is slow here: each drain a test sees comes from the change that freed capacity.
const AUTO = { ROUTING: 'auto', ROUTING_SWEEP_MS: '60000' };

/** What a test leaves behind would be routed in the next: its chats close, its admins leave. */
function tidy(world: () => World) {
  const chats: Chat[] = [];
  const people: Person[] = [];
  afterEach(async () => {
    for (const p of people.splice(0)) p.client.close();
    for (const chat of chats.splice(0)) {
      await request(world().server(), 'PATCH /api/chats/:chatId/close', {
        params: { chatId: chat._id },
        body: {},
      });
    }
  });
  return {
    chat: (c: Chat) => {
      chats.push(c);
      return c;
    },
    person: (p: Person) => {
      people.push(p);
      return p;
    },
  };
}

const setMaxChats = async (world: World, chief: Person, adminId: string, maxChats: number) =>
  succeeded(
    await request(world.server(), 'PUT /api/agents/:adminId', {
      params: { adminId },
      query: { adminId: chief.id, isSuperAdmin: true },
      body: { maxChats },
    }),
  );

describe.each(await storeTargets())('automatic routing on $name', (target) => {
  const world = useWorld(target, AUTO);
  const made = tidy(() => world);
  const admin = async (options?: { superadmin?: boolean }) =>
    made.person(await world.admin(options));
  const user = async () => made.person(await world.user());
  const open = async (u: Person) => made.chat(await openChat(world, u));

  it('gives a new chat to the available admin at once: chat-assigned to them, chat-taken to admins, admin-joined to the user', async () => {
    const watcher = await admin({ superadmin: true }); // joins away: not routed to
    const agent = await admin();
    const u = await user();
    const chat = await open(u);
    const assigned = await agent.client.waitFor('chat-assigned', (e) => e.chatId === chat._id);
    expect(assigned).toMatchObject({ adminId: agent.id, adminName: agent.name });
    expect(assigned.chat).toMatchObject({
      _id: chat._id,
      status: 'active',
      assignedAdminId: agent.id,
    });
    expect(await watcher.client.waitFor('chat-taken', (e) => e.chatId === chat._id)).toEqual({
      chatId: chat._id,
      adminId: agent.id,
      adminName: agent.name,
    });
    expect(await u.client.waitFor('admin-joined', (e) => e.chatId === chat._id)).toEqual({
      chatId: chat._id,
      adminName: agent.name,
    });
    await watcher.client.waitFor(
      'agent-status',
      (a) => a.adminId === agent.id && a.activeChats === 1,
    );
    expect(watcher.client.of('chat-assigned')).toEqual([]);
  });

  it('shares chats by load, never over maxChats, and drains when maxChats is raised or a chat closes', async () => {
    const chief = await admin({ superadmin: true });
    const [a, b] = [await admin(), await admin()];
    await setMaxChats(world, chief, a.id, 1);
    await setMaxChats(world, chief, b.id, 1);
    const users = [await user(), await user(), await user()];
    const chats: Chat[] = [];
    for (const u of users) chats.push(await open(u));
    const [first, second, third] = chats;
    if (!first || !second || !third) throw new Error('three chats');
    const holder = new Map<string, string>();
    for (const p of [a, b]) {
      const e = await p.client.waitFor('chat-assigned');
      holder.set(e.chatId, p.id);
    }
    expect(new Set(holder.keys())).toEqual(new Set([first._id, second._id]));
    // Nobody has room: the newest waits.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(a.client.of('chat-assigned').length + b.client.of('chat-assigned').length).toBe(2);
    const waiting = succeeded(
      await request(world.server(), 'GET /api/chats/waiting', { query: { adminId: chief.id } }),
    ).chats;
    expect(waiting.map((c) => c._id)).toContain(third._id);
    await setMaxChats(world, chief, a.id, 2);
    expect(await a.client.waitFor('chat-assigned', (e) => e.chatId === third._id)).toMatchObject({
      adminId: a.id,
    });
    // A closed chat frees its admin's place for the next one.
    const fourth = await open(await user());
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closeBy = holder.get(first._id) === b.id ? first : second;
    const closed = await request(world.server(), 'PATCH /api/chats/:chatId/close', {
      params: { chatId: closeBy._id },
      body: { adminId: b.id },
    });
    expect(closed.status).toBe(200);
    expect(await b.client.waitFor('chat-assigned', (e) => e.chatId === fourth._id)).toMatchObject({
      adminId: b.id,
    });
  });

  it('routes to an admin who becomes available, and not while they are away', async () => {
    const agent = await admin();
    accepted(await agent.client.emitAck('set-availability', { status: 'away' }));
    const chat = await open(await user());
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(agent.client.of('chat-assigned')).toEqual([]);
    accepted(await agent.client.emitAck('set-availability', { status: 'available' }));
    await agent.client.waitFor('chat-assigned', (e) => e.chatId === chat._id);
  });

  for (const [first, then] of [
    ['admin', 'superadmin'],
    ['superadmin', 'admin'],
  ] as const) {
    it(`routes to an admin who joined as ${first} and then as ${then} (another socket) only once they choose available`, async () => {
      const id = world.uid('both');
      const join = async (as: 'admin' | 'superadmin') =>
        made.person(
          await joinAs(await world.bystander(), id, {
            role: 'admin',
            superadmin: as === 'superadmin',
          }),
        );
      const one = await join(first);
      const other = await join(then);
      const chat = await open(await user());
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect([...one.client.of('chat-assigned'), ...other.client.of('chat-assigned')]).toEqual([]);
      const ack = accepted(await other.client.emitAck('set-availability', { status: 'available' }));
      expect(ack.agent).toMatchObject({ adminId: id, availability: 'available' });
      await one.client.waitFor('chat-assigned', (e) => e.chatId === chat._id && e.adminId === id);
    });
  }

  it('keeps manual take, lock, transfer and unlock working; an unlocked chat is routed again', async () => {
    const chief = await admin({ superadmin: true });
    const full = await admin();
    await setMaxChats(world, chief, full.id, 0);
    const chat = await open(await user());
    const locked = await request(world.server(), 'POST /api/chats/lock', {
      body: { chatId: chat._id, adminId: full.id, adminName: full.name },
    });
    expect(succeeded(locked).chat).toMatchObject({ assignedAdminId: full.id, isLocked: true });
    const other = await admin();
    await setMaxChats(world, chief, other.id, 0);
    const moved = await request(world.server(), 'POST /api/chats/transfer', {
      body: {
        chatId: chat._id,
        fromAdminId: full.id,
        toAdminId: other.id,
        toAdminName: other.name,
      },
    });
    expect(succeeded(moved).chat.assignedAdminId).toBe(other.id);
    await other.client.waitFor('chat-transferred-in', (e) => e.chat._id === chat._id);
    await setMaxChats(world, chief, full.id, 3);
    const unlocked = await request(world.server(), 'POST /api/chats/unlock', {
      body: { chatId: chat._id, adminId: other.id },
    });
    expect(unlocked.status).toBe(200);
    expect(await full.client.waitFor('chat-assigned', (e) => e.chatId === chat._id)).toMatchObject({
      adminId: full.id,
    });
  });
});

describe.each(await storeTargets())('reply timeout on $name', (target) => {
  const world = useWorld(target, { ...AUTO, ROUTING_REPLY_TIMEOUT: '1', ROUTING_SWEEP_MS: '100' });
  const made = tidy(() => world);

  it('sends a chat its admin left unanswered back to the queue and to someone else', async () => {
    const slow = made.person(await world.admin());
    const u = made.person(await world.user());
    const chat = made.chat(await openChat(world, u));
    await slow.client.waitFor('chat-assigned', (e) => e.chatId === chat._id);
    const fast = made.person(await world.admin());
    const unlocked = await fast.client.waitFor('chat-unlocked', (e) => e.chatId === chat._id);
    expect(unlocked.chat).toMatchObject({ status: 'waiting', assignedAdminId: null });
    await slow.client.waitFor('agent-status', (a) => a.adminId === slow.id && a.activeChats === 0);
    expect(await fast.client.waitFor('chat-assigned', (e) => e.chatId === chat._id)).toMatchObject({
      adminId: fast.id,
    });
    expect(await u.client.waitFor('admin-joined', (e) => e.adminName === fast.name)).toEqual({
      chatId: chat._id,
      adminName: fast.name,
    });
    // The first admin can no longer write in it.
    const late = await restSend(world, slow, 'admin', { chatId: chat._id, content: 'Sorry!' });
    expect(late.status).toBe(403);
  });

  it('times out a chat its own admin locked and left unanswered: the lock says who holds it, not that the user was answered', async () => {
    const slow = made.person(await world.admin());
    const u = made.person(await world.user());
    const chat = made.chat(await openChat(world, u));
    await slow.client.waitFor('chat-assigned', (e) => e.chatId === chat._id);
    const locked = await request(world.server(), 'POST /api/chats/lock', {
      body: { chatId: chat._id, adminId: slow.id, adminName: slow.name },
    });
    expect(succeeded(locked).chat).toMatchObject({ assignedAdminId: slow.id, isLocked: true });
    const fast = made.person(await world.admin());
    const unlocked = await fast.client.waitFor('chat-unlocked', (e) => e.chatId === chat._id);
    expect(unlocked.chat).toMatchObject({
      status: 'waiting',
      assignedAdminId: null,
      isLocked: false,
      lockedByAdminId: null,
    });
    expect(await fast.client.waitFor('chat-assigned', (e) => e.chatId === chat._id)).toMatchObject({
      adminId: fast.id,
    });
  });

  it('leaves a chat whose admin answered in time', async () => {
    const agent = made.person(await world.admin());
    const u = made.person(await world.user());
    const chat = made.chat(await openChat(world, u));
    await agent.client.waitFor('chat-assigned', (e) => e.chatId === chat._id);
    const sent = await restSend(world, agent, 'admin', { chatId: chat._id, content: 'Hello!' });
    expect(sent.status).toBe(200);
    const other = made.person(await world.admin());
    await new Promise((resolve) => setTimeout(resolve, 1800));
    expect(other.client.of('chat-assigned')).toEqual([]);
    expect(other.client.of('chat-unlocked').filter((e) => e.chatId === chat._id)).toEqual([]);
  });
});

describe.each(await storeTargets())('manual routing (the default) on $name', (target) => {
  const world = useWorld(target);

  it('assigns nothing by itself: the chat waits for an admin to take it', async () => {
    const agent = await world.admin();
    const chat = await openChat(world, await world.user());
    await agent.client.waitFor('new-chat', (e) => e.chat._id === chat._id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(agent.client.of('chat-assigned')).toEqual([]);
    expect(agent.client.of('chat-taken').filter((e) => e.chatId === chat._id)).toEqual([]);
  });
});
