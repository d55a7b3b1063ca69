import { UsageError } from '../cli/UsageError.ts';
import { formatStats } from './formatStats.ts';
import { startTraffic } from './startTraffic.ts';
import { parseTrafficArgs, trafficUsage, type TrafficArgs } from './trafficArgs.ts';

// Entry point of `npm run traffic`: wiring only.

const SUMMARY_EVERY_MS = 10_000;

let args: TrafficArgs | undefined;
try {
  args = parseTrafficArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`traffic: ${error.message}`);
  process.exit(2);
}
if (!args) {
  console.log(trafficUsage());
  process.exit(0);
}

const { verbose } = args;
let warnedUnreachable = false;
const traffic = startTraffic({
  baseUrl: args.url,
  ordersPerSecond: args.ordersPerSecond,
  failureShare: args.failureShare,
  onOrder(outcome) {
    if (verbose) console.log(`traffic: ${outcome.kind} → ${outcome.status ?? '-'} ${outcome.outcome} ${outcome.orderId ?? ''}`);
    if (outcome.outcome === 'UNREACHABLE' && !warnedUnreachable) {
      warnedUnreachable = true;
      console.error(`traffic: the POS at ${args.url} does not answer yet; retrying`);
    }
  },
});
console.log(`traffic: ${args.ordersPerSecond} order(s)/s to ${args.url}, ${Math.round(args.failureShare * 100)}% failure scenarios`);
const summary = setInterval(() => console.log(`traffic: ${formatStats(traffic.stats())}`), SUMMARY_EVERY_MS);

const deadline = args.durationSeconds === undefined ? undefined : setTimeout(() => void stop(), args.durationSeconds * 1000);
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(summary);
  clearTimeout(deadline);
  console.log(`traffic: stopped: ${formatStats(await traffic.stop())}`);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
