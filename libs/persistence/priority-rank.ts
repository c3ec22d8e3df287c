import { TICKET_PRIORITIES } from '../domain/ticket.js';

/**
 * A priority column's rank as SQL (low 0 … urgent 3), for sorting most urgent first. The index of migration 0019
 * is on this very expression, so the lists that sort by priority use it.
 */
export function PRIORITY_RANK_SQL(column: string): string {
  return `CASE ${column} ${TICKET_PRIORITIES.map((priority, rank) => `WHEN '${priority}' THEN ${rank}`).join(' ')} END`;
}
