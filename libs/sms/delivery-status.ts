/** Twilio's message statuses, folded into the delivery statuses a message shows (SPEC §3). */
export type DeliveryStatus = 'pending' | 'queued' | 'sent' | 'delivered' | 'failed' | 'undelivered';

const FROM_TWILIO: Record<string, DeliveryStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  failed: 'failed',
  canceled: 'failed',
  undelivered: 'undelivered',
};

export function deliveryStatusFromTwilio(status: string): DeliveryStatus | null {
  return FROM_TWILIO[status.toLowerCase()] ?? null;
}

/** Status callbacks can arrive out of order; a message's status only moves forward. */
const PROGRESS: Record<DeliveryStatus, number> = { pending: 0, queued: 1, sent: 2, delivered: 3, failed: 3, undelivered: 3 };

export function progressOf(status: string | null): number {
  return status === null ? -1 : (PROGRESS[status as DeliveryStatus] ?? -1);
}

/** The same order in SQL, for a status column (NULL: nothing known yet). */
export function progressSql(column: string): string {
  const cases = Object.entries(PROGRESS).map(([status, rank]) => `WHEN '${status}' THEN ${rank}`).join(' ');
  return `(CASE ${column} ${cases} ELSE -1 END)`;
}

export function twilioErrorText(errorCode: string | null | undefined, errorMessage?: string | null): string | null {
  if (!errorCode) return null;
  return `Twilio error ${errorCode}${errorMessage ? `: ${errorMessage}` : ''}`;
}
