import { Injectable } from '@nestjs/common';
import { AccountSettingsService } from '../settings/account-settings.service.js';
import { TicketQueriesService } from '../tickets/ticket-queries.service.js';

/** The unread badge: off when the account turned it off, otherwise how many tickets I have not read. */
export interface UnreadBadge {
  enabled: boolean;
  count: number | null;
}

/** One answer for GET /me/unread-count and the live stream's `unread` event. */
@Injectable()
export class UnreadBadgeService {
  constructor(
    private readonly settings: AccountSettingsService,
    private readonly queries: TicketQueriesService,
  ) {}

  async of(accountId: string, userId: string): Promise<UnreadBadge> {
    const { unreadNotificationEnabled } = await this.settings.get(accountId);
    if (!unreadNotificationEnabled) return { enabled: false, count: null };
    return { enabled: true, count: await this.queries.unreadCount(accountId, userId) };
  }
}
