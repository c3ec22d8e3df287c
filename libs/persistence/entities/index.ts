import { RoundTrip } from './round-trip.entity.js';

export { RoundTrip };

export const ENTITIES = [RoundTrip];
