import { describe, expect, it } from '@jest/globals';
import { deactivationRefusal, MASKED, maskSecrets, passwordProblem, roleChangeRefusal } from '../../libs/domain/team-rules.js';

describe('passwordProblem', () => {
  it('takes 12 to 256 characters, counted as characters not bytes', () => {
    expect(passwordProblem('x'.repeat(11))).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(12))).toBeNull();
    expect(passwordProblem('é'.repeat(256))).toBeNull();
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/);
    expect(passwordProblem(12345678901234)).toMatch(/string/);
  });
});

describe('roleChangeRefusal', () => {
  it('lets only owners and admins manage the team', () => {
    expect(roleChangeRefusal('manager', 'support', 'admin', 2)).toMatchObject({ refused: true, kind: 'forbidden' });
    expect(roleChangeRefusal('admin', 'support', 'manager', 1)).toEqual({ refused: false });
  });

  it('lets only an owner create, promote to or demote from owner', () => {
    expect(roleChangeRefusal('admin', null, 'owner', 1)).toMatchObject({ refused: true, kind: 'forbidden' });
    expect(roleChangeRefusal('admin', 'support', 'owner', 1)).toMatchObject({ refused: true, kind: 'forbidden' });
    expect(roleChangeRefusal('admin', 'owner', 'admin', 2)).toMatchObject({ refused: true, kind: 'forbidden' });
    expect(roleChangeRefusal('owner', 'admin', 'owner', 1)).toEqual({ refused: false });
  });

  it('keeps the last active owner', () => {
    expect(roleChangeRefusal('owner', 'owner', 'admin', 1)).toMatchObject({ refused: true, kind: 'last_owner' });
    expect(roleChangeRefusal('owner', 'owner', 'admin', 2)).toEqual({ refused: false });
    expect(roleChangeRefusal('owner', 'owner', 'owner', 1)).toEqual({ refused: false });
  });
});

describe('deactivationRefusal', () => {
  it('refuses non-managers, admins deactivating owners, and the last owner', () => {
    expect(deactivationRefusal('support', 'support', 1)).toMatchObject({ refused: true, kind: 'forbidden' });
    expect(deactivationRefusal('admin', 'owner', 2)).toMatchObject({ refused: true, kind: 'forbidden' });
    expect(deactivationRefusal('owner', 'owner', 1)).toMatchObject({ refused: true, kind: 'last_owner' });
    expect(deactivationRefusal('owner', 'owner', 2)).toEqual({ refused: false });
    expect(deactivationRefusal('admin', 'support', 1)).toEqual({ refused: false });
  });
});

describe('maskSecrets', () => {
  it('masks the values of token, secret and password keys at any depth, and keeps nulls and other keys', () => {
    expect(maskSecrets({ accountSid: 'AC1', authToken: 'tok', nested: { webhookSecret: 's', list: [{ password: 'p' }] }, accessToken: null })).toEqual({
      accountSid: 'AC1',
      authToken: MASKED,
      nested: { webhookSecret: MASKED, list: [{ password: MASKED }] },
      accessToken: null,
    });
  });
});
