// The traffic generator's public surface, for `npm start` at the root and anyone embedding it.
export { startTraffic } from './startTraffic.ts';
export type { TrafficHandle, TrafficOptions, TrafficOutcome, TrafficStats } from './startTraffic.ts';
export { formatStats } from './formatStats.ts';
