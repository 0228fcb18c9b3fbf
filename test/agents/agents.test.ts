/**
 * Agents' availability and capacity over Socket.io and REST, on each store: what
 * GET /api/agents lists, that a choice is remembered across connections, that every
 * change (availability, connection, load, maxChats) reaches the admins as agent-status,
 * and that bad input and callers who may not are refused with the reason.
 */
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/schemas/shapes.js';
import type { AuditAction } from '../../src/schemas/vocabulary.js';
import { assignChat, openChat } from '../helpers/flows.js';
import { api, request, succeeded } from '../helpers/server.js';
import { accepted, connectClient, failed, joinAs } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe.each(await storeTargets())('agents on $name', (target) => {
  const world = useWorld(target);

  const agentsAs = async (adminId: string): Promise<Agent[]> =>
    succeeded(await request(world.server(), 'GET /api/agents', { query: { adminId } })).agents;
  const agentNamed = async (asker: string, adminId: string) =>
    (await agentsAs(asker)).find((a) => a.adminId === adminId);
  /** What the audit log recorded of `action` by `actorId`, newest first. */
  const auditOf = async (action: AuditAction, actorId: string) =>
    succeeded(
      await request(world.server(), 'GET /api/audit', {
        query: { adminId: 'agents-auditor', isSuperAdmin: true, action, actorId },
      }),
    ).entries;

  it('lists a joined admin online and available with no load and the default maxChats; a superadmin joins away', async () => {
    const [admin, chief] = await Promise.all([world.admin(), world.admin({ superadmin: true })]);
    expect(await agentNamed(admin.id, admin.id)).toEqual({
      adminId: admin.id,
      adminName: admin.name,
      online: true,
      availability: 'available',
      activeChats: 0,
      maxChats: 5,
    });
    expect(await agentNamed(admin.id, chief.id)).toMatchObject({
      online: true,
      availability: 'away',
    });
  });

  it('tells the admins when an admin comes online and goes offline', async () => {
    const watcher = await world.admin();
    const comer = await world.admin();
    await watcher.client.waitFor('agent-status', (a) => a.adminId === comer.id && a.online);
    comer.client.close();
    const gone = await watcher.client.waitFor(
      'agent-status',
      (a) => a.adminId === comer.id && !a.online,
    );
    expect(gone).toMatchObject({ adminName: comer.name, availability: 'available' });
    expect((await agentNamed(watcher.id, comer.id))?.online).toBe(false);
  });

  it('tells the admins when a superadmin join of an admin already online makes them away', async () => {
    const watcher = await world.admin();
    const both = await joinAs(await world.bystander(), world.uid('both'), {
      role: 'admin',
      superadmin: false,
    });
    await watcher.client.waitFor(
      'agent-status',
      (a) => a.adminId === both.id && a.online && a.availability === 'available',
    );
    // The same admin, with a superadmin token on another socket: away until they choose.
    await joinAs(await world.bystander(), both.id, { role: 'admin', superadmin: true });
    expect(await agentNamed(watcher.id, both.id)).toMatchObject({
      online: true,
      availability: 'away',
    });
    expect(
      await watcher.client.waitFor(
        'agent-status',
        (a) => a.adminId === both.id && a.availability === 'away',
      ),
    ).toMatchObject({ online: true });
  });

  it('remembers away across connections, acks the agent, and tells the admins', async () => {
    const watcher = await world.admin();
    const admin = await world.admin();
    const ack = accepted(await admin.client.emitAck('set-availability', { status: 'away' }));
    expect(ack.agent).toMatchObject({ adminId: admin.id, availability: 'away', online: true });
    await watcher.client.waitFor(
      'agent-status',
      (a) => a.adminId === admin.id && a.availability === 'away',
    );
    admin.client.close();
    const again = await joinAs(await connectClient(world.server().url), admin.id, {
      role: 'admin',
      superadmin: false,
    });
    try {
      expect(await agentNamed(watcher.id, admin.id)).toMatchObject({
        online: true,
        availability: 'away',
      });
      const res = await request(world.server(), 'POST /api/agents/availability', {
        query: { adminId: admin.id },
        body: { status: 'available' },
      });
      expect(succeeded(res).agent.availability).toBe('available');
      await watcher.client.waitFor(
        'agent-status',
        (a) => a.adminId === admin.id && a.availability === 'available',
      );
      // Each choice, by socket and by REST, is an audit entry of its own.
      const recorded = await auditOf('agent.availability', admin.id);
      expect(recorded.map((e) => [e.actor.id, e.actor.role, e.details])).toEqual([
        [admin.id, 'admin', { adminId: admin.id, status: 'available' }],
        [admin.id, 'admin', { adminId: admin.id, status: 'away' }],
      ]);
    } finally {
      again.client.close();
    }
  });

  it('sends the load as it changes: a taken chat counts, a closed one no longer does', async () => {
    const [watcher, admin, user] = await Promise.all([world.admin(), world.admin(), world.user()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    await watcher.client.waitFor(
      'agent-status',
      (a) => a.adminId === admin.id && a.activeChats === 1,
    );
    expect((await agentNamed(watcher.id, admin.id))?.activeChats).toBe(1);
    const closed = await request(world.server(), 'PATCH /api/chats/:chatId/close', {
      params: { chatId: chat._id },
      body: { adminId: admin.id },
    });
    expect(closed.status).toBe(200);
    await watcher.client.waitFor(
      'agent-status',
      (a) => a.adminId === admin.id && a.activeChats === 0,
    );
  });

  it("lets a superadmin set an admin's maxChats, and tells the admins", async () => {
    const [chief, admin] = await Promise.all([world.admin({ superadmin: true }), world.admin()]);
    const res = await request(world.server(), 'PUT /api/agents/:adminId', {
      params: { adminId: admin.id },
      query: { adminId: chief.id, isSuperAdmin: true },
      body: { maxChats: 0 },
    });
    expect(succeeded(res).agent).toMatchObject({ adminId: admin.id, maxChats: 0 });
    await admin.client.waitFor('agent-status', (a) => a.adminId === admin.id && a.maxChats === 0);
    expect((await agentNamed(admin.id, admin.id))?.maxChats).toBe(0);
    const recorded = await auditOf('agent.capacity', chief.id);
    expect(recorded.map((e) => [e.actor.role, e.chatId, e.details])).toEqual([
      ['superadmin', null, { adminId: admin.id, maxChats: 0 }],
    ]);
  });

  it('refuses maxChats that is negative, over 100, not a whole number or missing: 400 naming it', async () => {
    const [chief, admin] = await Promise.all([world.admin({ superadmin: true }), world.admin()]);
    for (const body of [
      { maxChats: -1 },
      { maxChats: 101 },
      { maxChats: 2.5 },
      { maxChats: '5' },
      {},
    ]) {
      const res = await api(
        world.server(),
        'PUT',
        `/api/agents/${admin.id}?adminId=${chief.id}&isSuperAdmin=true`,
        body,
      );
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
      expect(res.body.error).toMatch(/maxChats/);
    }
    expect((await agentNamed(admin.id, admin.id))?.maxChats).toBe(5);
  });

  it('refuses maxChats from an admin (403) and for an admin nobody knows (404)', async () => {
    const [chief, admin] = await Promise.all([world.admin({ superadmin: true }), world.admin()]);
    const byAdmin = await api(
      world.server(),
      'PUT',
      `/api/agents/${chief.id}?adminId=${admin.id}`,
      {
        maxChats: 9,
      },
    );
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body).toMatchObject({ code: 'FORBIDDEN' });
    const ghost = world.uid('nobody');
    const unknown = await api(
      world.server(),
      'PUT',
      `/api/agents/${ghost}?adminId=${chief.id}&isSuperAdmin=true`,
      { maxChats: 9 },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'ADMIN_NOT_FOUND' });
    expect(unknown.body.error).toContain(ghost);
  });

  it('refuses an unknown status, a user and a socket that joined nobody, with an error ack', async () => {
    const [admin, user, nobody] = await Promise.all([
      world.admin(),
      world.user(),
      world.bystander(),
    ]);
    for (const payload of [{ status: 'busy' }, { status: 'AWAY' }, {}, 'away']) {
      const ack = failed(await admin.client.emitAck('set-availability', payload));
      expect(ack.code, JSON.stringify(payload)).toBe('VALIDATION_ERROR');
      expect(ack.error).toMatch(/status|object/);
    }
    expect(failed(await user.client.emitAck('set-availability', { status: 'away' })).code).toBe(
      'FORBIDDEN',
    );
    expect(failed(await nobody.emitAck('set-availability', { status: 'away' })).code).toBe(
      'FORBIDDEN',
    );
    const rest = await api(world.server(), 'POST', '/api/agents/availability', { status: 'away' });
    expect(rest.status).toBe(403);
    const badRest = await api(
      world.server(),
      'POST',
      `/api/agents/availability?adminId=${admin.id}`,
      {
        status: 'lunch',
      },
    );
    expect(badRest.status).toBe(400);
    expect(badRest.body.error).toMatch(/status/);
  });
});
