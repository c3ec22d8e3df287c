import { describe, expect, it } from '@jest/globals';
import { canManageAccount, canUseInbox, INBOX_ROLES, isRole, ROLES, type Role } from '../../../libs/domain/access.js';

describe('access rules (SPEC §10)', () => {
  it('lets exactly the owner, admin, manager and support roles use the inbox', () => {
    expect([...INBOX_ROLES]).toEqual(['owner', 'admin', 'manager', 'support']);
    const allowed = ROLES.filter((role) => canUseInbox(role));
    expect(allowed).toEqual(['owner', 'admin', 'manager', 'support']);
  });

  it.each<Role>(['analyst', 'content_creator'])('refuses the inbox to the %s role', (role) => {
    expect(canUseInbox(role)).toBe(false);
  });

  it('lets only owners and admins manage the account', () => {
    expect(ROLES.filter((role) => canManageAccount(role))).toEqual(['owner', 'admin']);
  });

  it('recognises roles and nothing else', () => {
    for (const role of ROLES) expect(isRole(role)).toBe(true);
    for (const value of ['Owner', 'agent', '', undefined, null, 3]) expect(isRole(value)).toBe(false);
  });
});
