/**
 * Query keys in bracket syntax (`?after[$gt]=1`, `?chatId[]=a`): no route reads them, so a
 * client using them would get the answer to another question. Refused with a 400 naming
 * the key, however the brackets are written; plain queries are answered as before.
 */
import { describe, expect, it } from 'vitest';
import { openChat } from '../helpers/flows.js';
import { api } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe.each(await storeTargets())('query keys on $name', (target) => {
  const world = useWorld(target);

  it.each([
    ['/api/chats/waiting?chatId[]=a', 'chatId[]'],
    ['/api/chats/all?status[$ne]=closed', 'status[$ne]'],
    ['/api/audit?adminId=qk-super&isSuperAdmin=true&from[$gt]=2026-01-01T00:00:00Z', 'from[$gt]'],
    ['/api/chats/waiting?chatId%5B%5D=a', 'chatId[]'],
    ['/api/chats/waiting?x]=1', 'x]'],
  ])('refuses %s with a 400 naming the key', async (path, key) => {
    const res = await api(world.server(), 'GET', path);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
    expect(res.body.error).toMatch(new RegExp(`^${key.replace(/[[\]$]/g, '\\$&')}: `));
  });

  it('refuses bracket keys on a history page and a write alike, and changes nothing', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const page = await api(world.server(), 'GET', `/api/messages/${chat._id}?after[$gt]=0`);
    expect(page.status).toBe(400);
    const close = await api(world.server(), 'PATCH', `/api/chats/${chat._id}/close?userId[]=x`, {
      userId: user.id,
    });
    expect(close.status).toBe(400);
    const still = await api(world.server(), 'GET', `/api/chats/user/${user.id}`);
    expect(still.body.chats).toMatchObject([{ _id: chat._id, status: 'waiting' }]);
  });

  it('lets a page on another origin read the refusal: its preflight is answered, the 400 has CORS and security headers', async () => {
    const path = '/api/chats/waiting?chatId[]=a';
    const origin = { origin: 'https://shop.example' };
    const preflight = await fetch(`${world.server().url}${path}`, {
      method: 'OPTIONS',
      headers: { ...origin, 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const res = await api(world.server(), 'GET', path, undefined, { headers: origin });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers plain queries as before', async () => {
    const res = await api(world.server(), 'GET', '/api/chats/waiting?limit=5');
    expect(res.status).toBe(200);
  });
});
