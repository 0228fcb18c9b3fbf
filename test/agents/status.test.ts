/**
 * What an agent is and what "available" means, as the server and the console both read
 * it: the defaults a join takes, the wire shape of what the store remembers, who takes
 * chats, and who may see and set what.
 */
import { describe, expect, it } from 'vitest';
import {
  agentOf,
  defaultAvailability,
  maySeeAgents,
  maySetMaxChats,
  takesChats,
} from '../../src/agents/status.js';
import { ANONYMOUS, person } from '../../src/auth/roles.js';
import type { Agent } from '../../src/schemas/shapes.js';

const base: Agent = {
  adminId: 'a',
  adminName: 'A',
  online: true,
  availability: 'available',
  activeChats: 2,
  maxChats: 5,
};

describe('agents: status rules', () => {
  it('joins an admin available and a superadmin away', () => {
    expect(defaultAvailability(person('a', 'A', 'admin'))).toBe('available');
    expect(defaultAvailability(person('s', 'S', 'superadmin'))).toBe('away');
  });

  it("reads what was never chosen as an admin's default and the server's maxChats", () => {
    const remembered = {
      adminId: 'a',
      adminName: 'A',
      availability: null,
      maxChats: null,
      activeChats: 0,
    };
    expect(agentOf(remembered, false, 5)).toEqual({ ...base, online: false, activeChats: 0 });
    expect(agentOf({ ...remembered, availability: 'away', maxChats: 0 }, true, 5)).toMatchObject({
      availability: 'away',
      maxChats: 0,
    });
  });

  it('takes chats only online, available and below maxChats', () => {
    expect(takesChats(base)).toBe(true);
    expect(takesChats({ ...base, online: false })).toBe(false);
    expect(takesChats({ ...base, availability: 'away' })).toBe(false);
    expect(takesChats({ ...base, activeChats: 5 })).toBe(false);
    expect(takesChats({ ...base, activeChats: 0, maxChats: 0 })).toBe(false);
  });

  it('lets admins see agents and only superadmins set maxChats', () => {
    expect(maySeeAgents(person('u', 'U', 'user'))).toBe(false);
    expect(maySeeAgents(person('a', 'A', 'admin'))).toBe(true);
    expect(maySetMaxChats(person('a', 'A', 'admin'))).toBe(false);
    expect(maySetMaxChats(person('s', 'S', 'superadmin'))).toBe(true);
    // v2's anonymous caller (AUTH_MODE=none) keeps a superadmin's rights, as everywhere.
    expect(maySetMaxChats(ANONYMOUS)).toBe(true);
  });
});
