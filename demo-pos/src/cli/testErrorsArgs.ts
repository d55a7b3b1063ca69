import { parseArgs } from 'node:util';
import { failureScenarios, isScenarioName, scenarioNames, type ScenarioName } from '../scenarios/failureScenarios.ts';
import { UsageError } from './UsageError.ts';

export const DEFAULT_POS_URL = 'http://127.0.0.1:3001';
const MAX_COUNT = 1000;

export interface TestErrorsArgs {
  scenario: ScenarioName;
  store: string;
  count: number;
  url: string;
}

export function testErrorsUsage(): string {
  const scenarios = scenarioNames.map(
    (name) => `  ${name.padEnd(14)} ${failureScenarios[name].code}: ${failureScenarios[name].howItHappens}`,
  );
  return [
    'Usage: npm run test-errors -- --scenario <name> [--store STORE_001] [--count 1] [--url URL]',
    '',
    'Sends orders that fail for real inside the running POS, through its HTTP API.',
    '',
    'Scenarios:',
    ...scenarios,
    '',
    'Options:',
    '  --scenario, -s  one of the scenarios above (required)',
    '  --store         store id the orders come from (default STORE_001)',
    `  --count, -n     number of attempts, 1 to ${MAX_COUNT} (default 1)`,
    `  --url           base URL of the POS (default $POS_URL or ${DEFAULT_POS_URL})`,
    '  --help, -h      this text',
  ].join('\n');
}

/** The parsed command line, or a UsageError saying what is wrong; undefined means --help. */
export function parseTestErrorsArgs(argv: string[], env: NodeJS.ProcessEnv = {}): TestErrorsArgs | undefined {
  const { values } = parseCommandLine(argv);
  if (values.help) return undefined;
  return {
    scenario: readScenario(values.scenario),
    store: readStore(values.store ?? 'STORE_001'),
    count: readCount(values.count ?? '1'),
    url: readUrl(values.url ?? env.POS_URL ?? DEFAULT_POS_URL),
  };
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string', short: 's' },
        store: { type: 'string' },
        count: { type: 'string', short: 'n' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function readScenario(value: string | undefined): ScenarioName {
  const valid = scenarioNames.join(', ');
  if (value === undefined) throw new UsageError(`--scenario is required; one of: ${valid}`);
  if (!isScenarioName(value)) throw new UsageError(`Unknown scenario "${value}"; valid scenarios: ${valid}`);
  return value;
}

function readStore(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
    throw new UsageError(`--store "${value}" is not a store id (letters, digits, _ and -, e.g. STORE_001)`);
  }
  return value;
}

function readCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new UsageError(`--count must be a whole number from 1 to ${MAX_COUNT}, got "${value}"`);
  }
  return count;
}

function readUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url "${value}" is not a URL (e.g. ${DEFAULT_POS_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be http or https, got "${value}"`);
  }
  return value;
}
