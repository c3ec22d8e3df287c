import type { SettledActionOutcome } from '../../libs/temporal/contracts/ticket.js';

/** Outcomes kept across continue-as-new; enough for any client still retrying, small enough to carry. */
const OUTCOMES_KEPT = 64;

/**
 * The outcomes of the ticket's recent agent actions by action (update) id. Temporal answers a repeated
 * update id from its own record within a run; this answers it in the runs after.
 */
export class ActionOutcomes {
  private readonly outcomes: Map<string, SettledActionOutcome>;

  constructor(carried: [string, SettledActionOutcome][]) {
    this.outcomes = new Map(carried);
  }

  has(actionId: string): boolean {
    return this.outcomes.has(actionId);
  }

  get(actionId: string): SettledActionOutcome | undefined {
    return this.outcomes.get(actionId);
  }

  record(actionId: string, outcome: SettledActionOutcome): void {
    this.outcomes.set(actionId, outcome);
    for (const oldest of this.outcomes.keys()) {
      if (this.outcomes.size <= OUTCOMES_KEPT) break;
      this.outcomes.delete(oldest);
    }
  }

  carried(): [string, SettledActionOutcome][] {
    return [...this.outcomes.entries()];
  }
}
