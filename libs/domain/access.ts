/** Who may do what (SPEC §10). Every user of an account has exactly one role. */

export const ROLES = ['owner', 'admin', 'manager', 'support', 'analyst', 'content_creator'] as const;
export type Role = (typeof ROLES)[number];

/** Only these roles may use the inbox; the others (analysts, content creators) are refused. */
export const INBOX_ROLES: readonly Role[] = ['owner', 'admin', 'manager', 'support'];

/** Roles that manage the account itself: its settings and its users. */
export const ACCOUNT_MANAGER_ROLES: readonly Role[] = ['owner', 'admin'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function canUseInbox(role: Role): boolean {
  return INBOX_ROLES.includes(role);
}

export function canManageAccount(role: Role): boolean {
  return ACCOUNT_MANAGER_ROLES.includes(role);
}
