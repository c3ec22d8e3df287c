import { continueAsNew, getExternalWorkflowHandle, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { slaPoliciesChangedSignal, type SlaReplanInput } from '../libs/temporal/contracts/sla.js';
import { slaSettingsChangedSignal } from '../libs/temporal/contracts/ticket.js';

const { listOpenTicketsForSla } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Fans a change of an account's SLA policies or calendars out to its open tickets (docs/service-levels.md):
 * a page of tickets at a time, each signalled to time its clocks again, then a fresh run for the next page,
 * so the history stays short however many tickets there are. A change that arrives during a pass (a signal)
 * starts another pass once this one ends, so the last change always reaches every ticket.
 */
export async function slaReplanWorkflow(input: SlaReplanInput): Promise<void> {
  let changedAgain = input.changedAgain;
  setHandler(slaPoliciesChangedSignal, () => {
    changedAgain = true;
  });
  const page = await listOpenTicketsForSla({ accountId: input.accountId, afterTicketId: input.afterTicketId });
  await Promise.all(
    page.map(async (ticketId) => {
      try {
        await getExternalWorkflowHandle(ticketId).signal(slaSettingsChangedSignal);
      } catch (error) {
        // A ticket whose workflow has ended (a closed chat) has no clock to move.
        log.info('an open ticket of the SLA fan-out has no running workflow', { ticketId, error: String(error) });
      }
    }),
  );
  const last = page.at(-1);
  if (last !== undefined) return continueAsNew<typeof slaReplanWorkflow>({ accountId: input.accountId, afterTicketId: last, changedAgain });
  if (changedAgain) return continueAsNew<typeof slaReplanWorkflow>({ accountId: input.accountId, afterTicketId: null, changedAgain: false });
}
