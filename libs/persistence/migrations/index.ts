import { Migration0001Foundation } from './0001-foundation.js';

/** Every migration in order; listed explicitly so the same list works from TypeScript sources and compiled output. */
export const MIGRATIONS = [{ name: '0001-foundation', class: Migration0001Foundation }];
