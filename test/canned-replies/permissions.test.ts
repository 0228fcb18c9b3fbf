/**
 * Canned replies' permissions, which the console shares: for every caller and scope the
 * rules refuse exactly what the permission functions deny, and the team scope is offered
 * to superadmins (and v2's anonymous caller, who has a superadmin's rights) only.
 */
import { describe, expect, it } from 'vitest';
import { type Actor, ANONYMOUS, person } from '../../src/auth/roles.js';
import {
  maySeeCannedReply,
  mayWriteCannedScope,
  writableCannedScopes,
} from '../../src/canned-replies/permissions.js';
import {
  assertMaySeeCannedReply,
  assertMayUseCannedReplies,
  assertMayWriteCannedScope,
} from '../../src/canned-replies/rules.js';
import { CANNED_SCOPES, type CannedScope } from '../../src/schemas/vocabulary.js';

type Reply = { scope: CannedScope; ownerId: string | null };

const callers: [string, Actor][] = [
  ['anonymous', ANONYMOUS],
  ['user', person('u1', 'U', 'user')],
  ['admin', person('a1', 'A', 'admin')],
  ['another admin', person('a2', 'B', 'admin')],
  ['superadmin', person('s1', 'S', 'superadmin')],
];

const passes = (check: () => unknown): boolean => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

describe('canned reply permissions', () => {
  it.each(callers)('the rules refuse %s exactly what the permissions deny', (_name, actor) => {
    for (const scope of CANNED_SCOPES) {
      expect(passes(() => assertMayWriteCannedScope(actor, scope))).toBe(
        mayWriteCannedScope(actor, scope),
      );
      for (const ownerId of [null, 'a1', 's1']) {
        const record = {
          id: 'r',
          scope,
          ownerId: scope === 'team' ? null : ownerId,
          shortcut: 's',
          title: 't',
          content: 'c',
          createdAt: '',
          updatedAt: '',
        };
        expect(passes(() => assertMaySeeCannedReply(actor, 'r', record))).toBe(
          maySeeCannedReply(actor, record),
        );
      }
    }
  });

  it('offers the team scope to superadmins only, and nothing to users', () => {
    const offered = Object.fromEntries(
      callers.map(([name, actor]) => [name, writableCannedScopes(actor)]),
    );
    expect(offered).toEqual({
      anonymous: ['team'],
      user: [],
      admin: ['personal'],
      'another admin': ['personal'],
      superadmin: ['personal', 'team'],
    });
    expect(passes(() => assertMayUseCannedReplies(callers[1]?.[1] ?? ANONYMOUS))).toBe(false);
  });

  it('shows a personal reply to its owner only, a superadmin included', () => {
    const own: Reply = { scope: 'personal', ownerId: 'a1' };
    expect(callers.filter(([, actor]) => maySeeCannedReply(actor, own)).map(([n]) => n)).toEqual([
      'admin',
    ]);
    const team: Reply = { scope: 'team', ownerId: null };
    expect(callers.filter(([, actor]) => maySeeCannedReply(actor, team)).map(([n]) => n)).toEqual([
      'anonymous',
      'admin',
      'another admin',
      'superadmin',
    ]);
  });
});
