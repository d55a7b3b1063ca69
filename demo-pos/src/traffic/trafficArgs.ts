import { parseArgs } from 'node:util';
import { DEFAULT_POS_URL } from '../cli/testErrorsArgs.ts';
import { UsageError } from '../cli/UsageError.ts';

export interface TrafficArgs {
  url: string;
  ordersPerSecond: number;
  failureShare: number;
  /** Seconds to run before stopping by itself; undefined runs until a signal. */
  durationSeconds?: number;
  /** Print every order, not just the periodic summary. */
  verbose: boolean;
}

export function trafficUsage(): string {
  return [
    'Usage: npm run traffic -w @stacklens/demo-pos -- [--url URL] [--rate 2] [--failure-share 0.1] [--duration S] [--verbose]',
    '',
    'Sends a steady mix of good orders and the five failure scenarios to a running POS.',
    '',
    `  --url            base URL of the POS (default $POS_URL or ${DEFAULT_POS_URL})`,
    '  --rate           orders per second (default $TRAFFIC_RATE or 2)',
    '  --failure-share  share of orders that are failure scenarios, 0 to 1 (default $TRAFFIC_FAILURE_SHARE or 0.1)',
    '  --duration       stop after this many seconds (default: run until Ctrl-C)',
    '  --verbose, -v    print every order',
    '  --help, -h       this text',
  ].join('\n');
}

/** The parsed command line (flags win over environment variables); undefined means --help. */
export function parseTrafficArgs(argv: string[], env: NodeJS.ProcessEnv = {}): TrafficArgs | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        rate: { type: 'string' },
        'failure-share': { type: 'string' },
        duration: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const duration = values.duration;
  return {
    url: values.url ?? env.POS_URL ?? DEFAULT_POS_URL,
    ordersPerSecond: readNumber('--rate', values.rate ?? env.TRAFFIC_RATE ?? '2', (n) => n > 0 && n <= 1000),
    failureShare: readNumber('--failure-share', values['failure-share'] ?? env.TRAFFIC_FAILURE_SHARE ?? '0.1', (n) => n >= 0 && n <= 1),
    durationSeconds: duration === undefined ? undefined : readNumber('--duration', duration, (n) => n > 0),
    verbose: values.verbose ?? false,
  };
}

function readNumber(flag: string, raw: string, valid: (value: number) => boolean): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || !valid(value)) {
    throw new UsageError(`${flag} "${raw}" is out of range; see --help`);
  }
  return value;
}
