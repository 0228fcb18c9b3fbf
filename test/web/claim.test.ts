/** The admin's claim a page sends: read from the role as the server's roles.ts reads it. */
import { describe, expect, it } from 'vitest';
import { adminClaimOf, namedAdminClaimOf } from '../../web/shared/claim.js';

describe('adminClaimOf', () => {
  it('claims superadmin for a superadmin only', () => {
    expect(adminClaimOf({ id: 'root', name: 'Root', role: 'superadmin' })).toEqual({
      adminId: 'root',
      isSuperAdmin: true,
    });
    expect(adminClaimOf({ id: 'anna', name: 'Anna', role: 'admin' })).toEqual({
      adminId: 'anna',
      isSuperAdmin: false,
    });
  });

  it('names the admin where the server takes a name (join-admin, take, lock)', () => {
    expect(namedAdminClaimOf({ id: 'anna', name: 'Anna', role: 'admin' })).toEqual({
      adminId: 'anna',
      isSuperAdmin: false,
      adminName: 'Anna',
    });
  });
});
