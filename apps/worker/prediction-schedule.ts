import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { AppConfig } from '../../libs/config/config.js';
import { predictionScheduleId, WORKFLOW_TYPES } from '../../libs/temporal/workflow-ids.js';

/**
 * The Temporal schedule that refits every account's predictive analytics at 03:00 UTC (SPEC §6): durable,
 * one run at a time, created once by whichever worker starts first. Returns the schedule id.
 */
export async function ensurePredictionSchedule(temporal: Client, config: AppConfig): Promise<string> {
  const scheduleId = predictionScheduleId(config.temporal.taskQueue);
  try {
    await temporal.schedule.create({
      scheduleId,
      spec: { calendars: [{ hour: 3, minute: 0 }] },
      action: { type: 'startWorkflow', workflowType: WORKFLOW_TYPES.nightlyPredictionRefit, taskQueue: config.temporal.taskQueue, workflowId: scheduleId },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6 hours' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  return scheduleId;
}
