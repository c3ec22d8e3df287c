import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { AppConfig } from '../../libs/config/config.js';
import { housekeepingScheduleId, WORKFLOW_TYPES } from '../../libs/temporal/workflow-ids.js';

/** How often housekeeping runs; what it deletes has been useless for a day, so an hour late is never late. */
const HOUSEKEEPING_EVERY = '1 hour';

/**
 * The Temporal schedule that runs housekeepingWorkflow: durable (it survives restarts of every process),
 * one run at a time, and created once by whichever worker starts first. Returns the schedule id.
 */
export async function ensureHousekeepingSchedule(temporal: Client, config: AppConfig): Promise<string> {
  const scheduleId = housekeepingScheduleId(config.temporal.taskQueue);
  try {
    await temporal.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: HOUSEKEEPING_EVERY }] },
      action: { type: 'startWorkflow', workflowType: WORKFLOW_TYPES.housekeeping, taskQueue: config.temporal.taskQueue, workflowId: scheduleId },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: HOUSEKEEPING_EVERY },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  return scheduleId;
}
