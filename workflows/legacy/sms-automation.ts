import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { attributeInboundSms } from '../../libs/domain/attribution.js';
import { decideSmsAutoResponse } from '../../libs/domain/auto-responder.js';
import { autoResponseMessageId, smsAutomationTransition } from '../../libs/domain/sms-automation.js';
import type { TicketState } from '../../libs/domain/ticket.js';
import type { InboundMessage } from '../../libs/temporal/contracts/ticket.js';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Tickets recorded before SMS automation existed replay without it. */
const SMS_AUTOMATION_PATCH = 'sms-automation';

/**
 * After a new inbound SMS is stored: attribute it to the campaign/flow send that prompted it (SPEC §9),
 * decide the auto-response (SPEC §7) and notify the team. The decisions are taken here, from facts an
 * activity read (and history recorded), so replaying the ticket re-derives them; each is a ticket event
 * with its reason. Returns the new state and the messages to deliver (the auto-response, if any).
 */
export async function automateInboundSms(input: {
  state: TicketState;
  message: InboundMessage;
  /** The person's previous inbound text, for "only the first text after a send is attributed". */
  previousInboundAt: string | null;
}): Promise<{ state: TicketState; deliveries: string[] }> {
  const { state, message } = input;
  const phone = message.sender.phone;
  if (message.automated || !phone || !patched(SMS_AUTOMATION_PATCH)) return { state, deliveries: [] };

  const context = await activities.loadSmsAutomationContext({ accountId: state.accountId, phone });
  const now = new Date().toISOString();
  const attribution = attributeInboundSms({
    sends: context.sends,
    inboundAt: message.receivedAt,
    previousInboundAt: input.previousInboundAt,
    windowMs: context.attributionWindowMs,
  });
  const autoResponse = decideSmsAutoResponse({
    settings: context.autoResponder,
    consent: context.consent,
    senderNumber: phone,
    ownNumbers: context.ownNumbers,
    lastAutoResponseAt: context.lastAutoResponseAt,
    now,
    templateValues: context.templateValues,
  });
  const responseId = autoResponseMessageId(message.messageId);
  const transition = smsAutomationTransition(state, { messageId: message.messageId, attribution, autoResponse, autoResponseMessageId: responseId }, now);
  await activities.recordSmsAutomation({
    projection: transition,
    inboundMessageId: message.messageId,
    phone,
    attribution,
    autoResponse: autoResponse.send ? { messageId: responseId, body: autoResponse.text } : null,
  });
  if (context.notifyTeam) await activities.notifyTeamOfSms({ accountId: state.accountId, ticketId: state.ticketId, messageId: message.messageId, phone });
  return { state: transition.state, deliveries: autoResponse.send ? [responseId] : [] };
}
