export { liveFeedRoutes, LIVE_FEED_DEFAULTS, type LiveFeedOptions } from './liveFeedRoutes.ts';
export { CLOSE_CODES, type LiveEventSource, type LiveFeedStats, type LiveFilter, type LiveServerMessage } from './types.ts';
