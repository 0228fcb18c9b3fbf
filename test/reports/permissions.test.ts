/**
 * The report permissions the console imports (what it asks for and how it titles the page)
 * and the rule the server applies agree for every reader and every admin named.
 */
import { describe, expect, it } from 'vitest';
import { type Actor, ANONYMOUS } from '../../src/auth/actor.js';
import { person } from '../../src/auth/roles.js';
import { Forbidden } from '../../src/errors.js';
import {
  mayReadReportOf,
  mayReadReports,
  reportCoverageOf,
} from '../../src/reports/permissions.js';
import { reportAdminOf } from '../../src/reports/rules.js';

const superadmin = person('s', 'S', 'superadmin');
const admin = person('a', 'A', 'admin');
const user = person('u', 'U', 'user');
const named = [undefined, 's', 'a', 'b', 'u'] as const;

/** Whose chats a superadmin's report counts for each admin named (undefined: everyone's). */
const expected: [string, Actor, (string | undefined)[]][] = [
  ['a superadmin', superadmin, [undefined, 's', 'a', 'b', 'u']],
  ["v2's anonymous caller", ANONYMOUS, [undefined, 's', 'a', 'b', 'u']],
];

describe('whose chats a report counts', () => {
  it.each(expected)("lets %s read everyone's (naming nobody) or any admin's", (_, actor, want) => {
    expect(named.map((id) => mayReadReportOf(actor, id))).toEqual(named.map(() => true));
    expect(named.map((id) => reportCoverageOf(actor, id))).toEqual(want);
    expect(named.map((id) => reportAdminOf(actor, id))).toEqual(want);
  });

  it('lets an admin read their own only, naming themselves or nobody', () => {
    expect(named.map((id) => mayReadReportOf(admin, id))).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(reportCoverageOf(admin, undefined)).toBe('a');
    expect(reportAdminOf(admin, undefined)).toBe('a');
    expect(reportAdminOf(admin, 'a')).toBe('a');
    for (const id of ['s', 'b', 'u']) expect(() => reportAdminOf(admin, id)).toThrow(Forbidden);
  });

  it('lets a user read none', () => {
    expect(mayReadReports(user)).toBe(false);
    expect(named.map((id) => mayReadReportOf(user, id))).toEqual(named.map(() => false));
    for (const id of named) expect(() => reportAdminOf(user, id)).toThrow(Forbidden);
  });
});
