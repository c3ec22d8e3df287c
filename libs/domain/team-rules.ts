import type { Role } from './access.js';

/** Passwords: long enough to resist guessing; the upper bound only keeps hashing cost bounded. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** Why a password is refused, or null when it is acceptable. Length only: no composition rules (NIST SP 800-63B). */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'password must be a string';
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  return null;
}

export type TeamRefusal = { refused: false } | { refused: true; kind: 'forbidden' | 'last_owner'; message: string };

const allowed: TeamRefusal = { refused: false };

/** Only an owner creates, promotes to or demotes from owner; owners and admins manage everyone else. */
export function roleChangeRefusal(actorRole: Role, currentRole: Role | null, newRole: Role, activeOwners: number): TeamRefusal {
  if (actorRole !== 'owner' && actorRole !== 'admin') return { refused: true, kind: 'forbidden', message: `role ${actorRole} may not manage the team` };
  if (actorRole !== 'owner' && (newRole === 'owner' || currentRole === 'owner')) {
    return { refused: true, kind: 'forbidden', message: 'only an owner may make someone an owner or change an owner\'s role' };
  }
  if (currentRole === 'owner' && newRole !== 'owner' && activeOwners <= 1) {
    return { refused: true, kind: 'last_owner', message: 'the account must keep at least one active owner' };
  }
  return allowed;
}

/** Deactivating: owners and admins may, only owners deactivate an owner, and never the last active one. */
export function deactivationRefusal(actorRole: Role, targetRole: Role, activeOwners: number): TeamRefusal {
  if (actorRole !== 'owner' && actorRole !== 'admin') return { refused: true, kind: 'forbidden', message: `role ${actorRole} may not manage the team` };
  if (targetRole === 'owner' && actorRole !== 'owner') return { refused: true, kind: 'forbidden', message: 'only an owner may deactivate an owner' };
  if (targetRole === 'owner' && activeOwners <= 1) return { refused: true, kind: 'last_owner', message: 'the account must keep at least one active owner' };
  return allowed;
}

/** Keys whose values are secrets: the audit log records that they changed, never what to. */
const SECRET_KEY = /token|secret|password|apikey|api_key/i;
export const MASKED = '••••••';

/** A copy of a settings value with every secret-looking key's value replaced by MASKED. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, SECRET_KEY.test(key) && inner !== null && inner !== undefined ? MASKED : maskSecrets(inner)]),
  );
}
