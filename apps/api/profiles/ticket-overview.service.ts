import { Inject, Injectable } from '@nestjs/common';
import type { Orm } from '../../../libs/persistence/orm.js';
import { TicketQueriesService, type TicketSummary } from '../tickets/ticket-queries.service.js';
import { ORM } from '../tokens.js';
import { PredictionsService, type ProfilePredictionsView } from './predictions.service.js';
import { ProfileEventsService } from './profile-events.service.js';
import { ProfilesService, type ProfileView } from './profiles.service.js';
import { PROFILE_AND_JOINED } from '../../../libs/profiles/profile-directory.js';

export interface OrderSummary {
  id: string;
  name: string;
  placedAt: string;
  cancelledAt: string | null;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  totalAmount: number;
  currency: string;
}

export interface TicketOverview {
  ticket: TicketSummary;
  profile: ProfileView | null;
  predictions: ProfilePredictionsView | null;
  orders: { count: number; recent: OrderSummary[] };
  events: { count: number };
  tickets: { count: number };
}

const RECENT_ORDERS = 3;

/** The customer panel beside a ticket (SPEC §6): who wrote, what they bought, what they did. */
@Injectable()
export class TicketOverviewService {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    private readonly tickets: TicketQueriesService,
    private readonly profiles: ProfilesService,
    private readonly events: ProfileEventsService,
    private readonly predictions: PredictionsService,
  ) {}

  async overview(accountId: string, userId: string, ticketId: string): Promise<TicketOverview> {
    const ticket = await this.tickets.get(accountId, userId, ticketId);
    if (!ticket.profileId) return { ticket, profile: null, predictions: null, orders: { count: 0, recent: [] }, events: { count: 0 }, tickets: { count: 1 } };
    const profileId = ticket.profileId;
    const [profile, predictions, orders, eventCount] = await Promise.all([
      this.profiles.get(accountId, profileId),
      this.predictions.ofProfile(accountId, profileId),
      this.recentOrders(accountId, profileId),
      this.events.count(accountId, profileId),
    ]);
    return { ticket, profile, predictions, orders, events: { count: eventCount }, tickets: { count: profile.ticketCount } };
  }

  private async recentOrders(accountId: string, profileId: string): Promise<TicketOverview['orders']> {
    const rows = await this.orm.em.fork().execute<
      { id: string; name: string; placed_at: Date; cancelled_at: Date | null; financial_status: string | null; fulfillment_status: string | null; total_amount: string; currency: string; total: string }[]
    >(
      `SELECT o.id, o.name, o.placed_at, o.cancelled_at, o.financial_status, o.fulfillment_status, o.total_amount, o.currency, count(*) OVER () AS total
       FROM shopify_orders o
       WHERE o.account_id = ? AND o.profile_id IN ${PROFILE_AND_JOINED}
       ORDER BY o.placed_at DESC, o.id DESC LIMIT ${RECENT_ORDERS}`,
      [accountId, profileId, profileId],
    );
    return {
      count: Number(rows[0]?.total ?? 0),
      recent: rows.map((row) => ({
        id: row.id,
        name: row.name,
        placedAt: new Date(row.placed_at).toISOString(),
        cancelledAt: row.cancelled_at ? new Date(row.cancelled_at).toISOString() : null,
        financialStatus: row.financial_status,
        fulfillmentStatus: row.fulfillment_status,
        totalAmount: Number(row.total_amount),
        currency: row.currency,
      })),
    };
  }
}
