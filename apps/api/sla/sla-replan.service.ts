import type { Client } from '@temporalio/client';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../../libs/config/config.js';
import { createLogger } from '../../../libs/logger/logger.js';
import { slaPoliciesChangedSignal, type SlaReplanInput } from '../../../libs/temporal/contracts/sla.js';
import { slaReplanWorkflowId, WORKFLOW_TYPES } from '../../../libs/temporal/workflow-ids.js';
import { APP_CONFIG, TEMPORAL_CLIENT } from '../tokens.js';

const log = createLogger('sla');

/**
 * Moves the deadlines of an account's open tickets after its SLA policies or calendars changed: signals the
 * account's fan-out workflow (workflows/sla-replan.workflow.ts), starting it when none runs.
 */
@Injectable()
export class SlaReplanService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  /**
   * The change is stored before this is called, and stays so when Temporal cannot be reached: the open
   * tickets then keep their deadlines until the next change or until each times its clocks again (a
   * message, a reply, a snooze ending). That is logged, not answered as an error, since the request succeeded.
   */
  async settingsChanged(accountId: string): Promise<void> {
    const input: SlaReplanInput = { accountId, afterTicketId: null, changedAgain: false };
    try {
      await this.temporal.workflow.signalWithStart(WORKFLOW_TYPES.slaReplan, {
        workflowId: slaReplanWorkflowId(accountId),
        taskQueue: this.config.temporal.taskQueue,
        args: [input],
        signal: slaPoliciesChangedSignal,
        signalArgs: [],
      });
    } catch (error) {
      log.warn('the SLA change could not be fanned out to the open tickets', { accountId, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
