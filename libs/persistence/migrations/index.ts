import { Migration0001Foundation } from './0001-foundation.js';
import { Migration0002Accounts } from './0002-accounts.js';
import { Migration0003Tickets } from './0003-tickets.js';
import { Migration0004Mailbox } from './0004-mailbox.js';

/** Every migration in order; listed explicitly so the same list works from TypeScript sources and compiled output. */
export const MIGRATIONS = [
  { name: '0001-foundation', class: Migration0001Foundation },
  { name: '0002-accounts', class: Migration0002Accounts },
  { name: '0003-tickets', class: Migration0003Tickets },
  { name: '0004-mailbox', class: Migration0004Mailbox },
];
