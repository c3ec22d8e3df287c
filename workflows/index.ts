export { housekeepingWorkflow } from './housekeeping.workflow.js';
export { nightlyPredictionRefitWorkflow, predictionRefitWorkflow } from './predictive-analytics.workflow.js';
export { roundTripWorkflow } from './round-trip.workflow.js';
export { slaReplanWorkflow } from './sla-replan.workflow.js';
export { teamAssignerWorkflow } from './team-assigner.workflow.js';
export { ticketWorkflow } from './ticket/ticket.workflow.js';
export { shopifyOrderCancelWorkflow, shopifyOrderEditWorkflow } from './shopify/order-operation.workflow.js';
export { shopifyOrderSyncWorkflow } from './shopify/order-sync.workflow.js';
