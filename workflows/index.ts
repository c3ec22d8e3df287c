export { housekeepingWorkflow } from './housekeeping.workflow.js';
export { roundTripWorkflow } from './round-trip.workflow.js';
export { ticketWorkflow } from './ticket/ticket.workflow.js';
