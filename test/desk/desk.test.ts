/**
 * GET /api/desk on each store: open without BUSINESS_HOURS, closed with the next opening
 * outside them, and the agents connected and available, counted for anyone who asks
 * (no identity needed, also with AUTH_MODE=jwt).
 */
import { describe, expect, it } from 'vitest';
import { WEEKDAYS } from '../../src/hours/schedule.js';
import { waitUntil } from '../helpers/processes.js';
import { request, startTestServer, succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { JWT_ENV } from '../helpers/tokens.js';
import { useWorld } from '../helpers/world.js';

const DAY_MS = 86_400_000;

describe.each(await storeTargets())('the desk on $name, always open', (target) => {
  const world = useWorld(target);
  const desk = async () => succeeded(await request(world.server(), 'GET /api/desk', {}));

  it('is open with no next opening, and counts connected available admins, not away ones or superadmins who never chose', async () => {
    expect(await desk()).toEqual({
      success: true,
      open: true,
      nextOpenAt: null,
      availableAgents: 0,
    });
    const admin = await world.admin();
    await world.admin({ superadmin: true });
    await waitUntil('the admin counts', async () => (await desk()).availableAgents === 1);
    await admin.client.emitAck('set-availability', { status: 'away' });
    await waitUntil('away does not count', async () => (await desk()).availableAgents === 0);
    await admin.client.emitAck('set-availability', { status: 'available' });
    await waitUntil('available again', async () => (await desk()).availableAgents === 1);
    admin.client.close();
    await waitUntil('gone does not count', async () => (await desk()).availableAgents === 0);
  });
});

describe.each(await storeTargets())('the desk on $name with BUSINESS_HOURS', (target) => {
  it('is closed outside the hours and says when it opens (UTC, ISO), for anyone, also with tokens', async () => {
    const now = new Date();
    const inTwoDays = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + 2 * DAY_MS,
    );
    const db = await target.create();
    const server = await startTestServer(db.config, {
      ...JWT_ENV,
      BUSINESS_HOURS: `${WEEKDAYS[inTwoDays.getUTCDay()]} 00:00-24:00`,
      BUSINESS_TIMEZONE: 'UTC',
    });
    try {
      const res = await request(server, 'GET /api/desk', {});
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        open: false,
        nextOpenAt: inTwoDays.toISOString(),
        availableAgents: 0,
      });
    } finally {
      await server.close();
      await db.drop();
    }
  });
});
