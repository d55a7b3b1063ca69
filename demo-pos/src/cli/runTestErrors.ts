import type { OrderResult } from '../client/apiTypes.ts';
import { PosClient, PosUnreachableError } from '../client/PosClient.ts';
import { failureScenarios, type FailureScenario } from '../scenarios/failureScenarios.ts';
import type { CliOutput } from './CliOutput.ts';
import { parseTestErrorsArgs, testErrorsUsage, type TestErrorsArgs } from './testErrorsArgs.ts';
import { UsageError } from './UsageError.ts';

/** Exit codes: what a script calling the CLI can branch on. */
export const ExitCode = {
  /** Every attempt reproduced the scenario's error. */
  OK: 0,
  /** The POS answered, but not always with the scenario's error. */
  UNEXPECTED_ANSWER: 1,
  /** The command line was wrong. */
  USAGE: 2,
  /** The POS did not answer at all. */
  UNREACHABLE: 3,
} as const;

/** The test-errors command: drives one failure scenario through the POS's API `count` times. */
export async function runTestErrors(argv: string[], output: CliOutput, env: NodeJS.ProcessEnv = {}): Promise<number> {
  let args: TestErrorsArgs | undefined;
  try {
    args = parseTestErrorsArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`test-errors: ${error.message}`);
    output.err('Run with --help for usage.');
    return ExitCode.USAGE;
  }
  if (!args) {
    output.out(testErrorsUsage());
    return ExitCode.OK;
  }
  return drive(args, output);
}

async function drive(args: TestErrorsArgs, output: CliOutput): Promise<number> {
  const scenario = failureScenarios[args.scenario];
  const client = new PosClient(args.url);
  let reproduced = 0;
  for (let attempt = 1; attempt <= args.count; attempt++) {
    let result: OrderResult;
    try {
      result = await client.placeOrder(scenario.order(args.store));
    } catch (error) {
      if (!(error instanceof PosUnreachableError)) throw error;
      output.err(
        `test-errors: ${error.message}. Is the POS running? Start StackLens with: npm start (the POS alone: npm start -w @stacklens/demo-pos)`,
      );
      return ExitCode.UNREACHABLE;
    }
    const matched = isExpected(scenario, result);
    if (matched) reproduced++;
    output.out(attemptLine(attempt, args.count, scenario, result, matched));
  }
  output.out(summaryLine(args, scenario, reproduced));
  return reproduced === args.count ? ExitCode.OK : ExitCode.UNEXPECTED_ANSWER;
}

function isExpected(scenario: FailureScenario, result: OrderResult): boolean {
  return result.status === scenario.status && 'code' in result.body && result.body.code === scenario.code;
}

function attemptLine(attempt: number, count: number, scenario: FailureScenario, result: OrderResult, matched: boolean): string {
  const body = result.body;
  const parts = [`[${attempt}/${count}] ${scenario.name}: HTTP ${result.status}`];
  if ('code' in body) {
    parts.push(body.code);
    if (body.orderId) parts.push(`order ${body.orderId}`);
    if (body.traceId) parts.push(`trace ${body.traceId}`);
  } else {
    parts.push(`order ${body.orderId} placed`);
  }
  parts.push(matched ? '— reproduced' : `— UNEXPECTED, wanted ${scenario.code}`);
  return parts.join(' ');
}

function summaryLine(args: TestErrorsArgs, scenario: FailureScenario, reproduced: number): string {
  return (
    `Summary: ${args.scenario} at ${args.store}: ${reproduced}/${args.count} reproduced ` +
    `${scenario.code} (HTTP ${scenario.status}), ${args.count - reproduced} unexpected`
  );
}
