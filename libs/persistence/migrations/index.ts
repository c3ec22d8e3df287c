import { Migration0001Foundation } from './0001-foundation.js';
import { Migration0002Accounts } from './0002-accounts.js';
import { Migration0003Tickets } from './0003-tickets.js';
import { Migration0004Mailbox } from './0004-mailbox.js';
import { Migration0005Sms } from './0005-sms.js';
import { Migration0006Email } from './0006-email.js';
import { Migration0007WebChat } from './0007-web-chat.js';
import { Migration0008CommandLoop } from './0008-command-loop.js';
import { Migration0009PhoneNumbers } from './0009-phone-numbers.js';
import { Migration0010EncryptedSecrets } from './0010-encrypted-secrets.js';
import { Migration0011RateLimits } from './0011-rate-limits.js';
import { Migration0012IdempotentRefusals } from './0012-idempotent-refusals.js';
import { Migration0013CustomerProfiles } from './0013-customer-profiles.js';
import { Migration0014Shopify } from './0014-shopify.js';
import { Migration0015PredictiveAnalytics } from './0015-predictive-analytics.js';
import { Migration0016TeamAccess } from './0016-team-access.js';
import { Migration0017LiveEvents } from './0017-live-events.js';
import { Migration0018BusinessCalendars } from './0018-business-calendars.js';
import { Migration0019TicketPriority } from './0019-ticket-priority.js';
import { Migration0020SlaPolicies } from './0020-sla-policies.js';
import { Migration0021SlaClock } from './0021-sla-clock.js';
import { Migration0022Csat } from './0022-csat.js';

/** Every migration in order; listed explicitly so the same list works from TypeScript sources and compiled output. */
export const MIGRATIONS = [
  { name: '0001-foundation', class: Migration0001Foundation },
  { name: '0002-accounts', class: Migration0002Accounts },
  { name: '0003-tickets', class: Migration0003Tickets },
  { name: '0004-mailbox', class: Migration0004Mailbox },
  { name: '0005-sms', class: Migration0005Sms },
  { name: '0006-email', class: Migration0006Email },
  { name: '0007-web-chat', class: Migration0007WebChat },
  { name: '0008-command-loop', class: Migration0008CommandLoop },
  { name: '0009-phone-numbers', class: Migration0009PhoneNumbers },
  { name: '0010-encrypted-secrets', class: Migration0010EncryptedSecrets },
  { name: '0011-rate-limits', class: Migration0011RateLimits },
  { name: '0012-idempotent-refusals', class: Migration0012IdempotentRefusals },
  { name: '0013-customer-profiles', class: Migration0013CustomerProfiles },
  { name: '0014-shopify', class: Migration0014Shopify },
  { name: '0015-predictive-analytics', class: Migration0015PredictiveAnalytics },
  { name: '0016-team-access', class: Migration0016TeamAccess },
  { name: '0017-live-events', class: Migration0017LiveEvents },
  { name: '0018-business-calendars', class: Migration0018BusinessCalendars },
  { name: '0019-ticket-priority', class: Migration0019TicketPriority },
  { name: '0020-sla-policies', class: Migration0020SlaPolicies },
  { name: '0021-sla-clock', class: Migration0021SlaClock },
  { name: '0022-csat', class: Migration0022Csat },
];
