export { roundTripWorkflow } from './round-trip.workflow.js';
