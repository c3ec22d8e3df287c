import { resolveAccountSettings, type EmailSettings } from '../domain/account-settings.js';
import { normaliseEmailAddress } from '../domain/email-headers.js';
import type { Orm } from '../persistence/orm.js';

export async function readEmailSettings(orm: Orm, accountId: string): Promise<EmailSettings> {
  const [row] = await orm.em.fork().execute<{ settings: Record<string, unknown> }[]>('SELECT settings FROM accounts WHERE id = ?', [accountId]);
  return resolveAccountSettings(row?.settings).email;
}

/** Every address that is the account itself: mail from them is ours, mail to them is the account's. */
export function ownAddresses(settings: EmailSettings): string[] {
  return [...settings.supportAddresses, ...settings.forwardingAddresses];
}

/** The account that receives mail for `address` (one of its support or forwarding addresses), or null. */
export async function accountForRecipient(orm: Orm, address: string): Promise<string | null> {
  const normalised = normaliseEmailAddress(address);
  if (normalised === null) return null;
  const wanted = JSON.stringify([normalised]);
  const rows = await orm.em.fork().execute<{ id: string }[]>(
    `SELECT id FROM accounts
     WHERE settings -> 'email' -> 'supportAddresses' @> ?::jsonb OR settings -> 'email' -> 'forwardingAddresses' @> ?::jsonb
     ORDER BY created_at, id LIMIT 1`,
    [wanted, wanted],
  );
  return rows[0]?.id ?? null;
}

/** The support address a reply goes out from: the one the customer wrote to, else the account's first. */
export function replyAddress(settings: EmailSettings, addressedTo: readonly (string | null)[]): string | null {
  return addressedTo.find((address) => address !== null && settings.supportAddresses.includes(address)) ?? settings.supportAddresses[0] ?? null;
}
