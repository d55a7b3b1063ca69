import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { CliOutput } from '../src/cli/CliOutput.ts';
import { ExitCode, runTestErrors } from '../src/cli/runTestErrors.ts';
import { DEFAULT_POS_URL, parseTestErrorsArgs } from '../src/cli/testErrorsArgs.ts';
import { UsageError } from '../src/cli/UsageError.ts';
import { closedPort } from '@stacklens/test-support/network';
import { runNode } from './support/processes.ts';
import { startTelemetryHarness, type TelemetryHarness } from './support/telemetryHarness.ts';

let harness: TelemetryHarness;
let app: FastifyInstance;
let posUrl: string;

beforeAll(async () => {
  harness = await startTelemetryHarness();
  app = await buildApp({ telemetry: harness.telemetry });
  posUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await harness.close();
});

function collectingOutput(): CliOutput & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

describe('test-errors as a subprocess against a running POS', () => {
  it('reproduces the scenario, prints a line per attempt and a summary, and the POS exports the records', async () => {
    const run = await runNode([
      'src/cli/testErrors.ts',
      '--scenario',
      'missing-price',
      '--store',
      'STORE_003',
      '--count',
      '3',
      '--url',
      posUrl,
    ]);

    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(0, 3))
      expect(line).toMatch(/^\[\d\/3\] missing-price: HTTP 422 MISSING_PRICE order ORD-\S+ trace [0-9a-f]{32} — reproduced$/);
    expect(lines[3]).toBe('Summary: missing-price at STORE_003: 3/3 reproduced MISSING_PRICE (HTTP 422), 0 unexpected');

    const orderIds = lines.slice(0, 3).map((line) => /order (ORD-\S+)/.exec(line)?.[1]);
    const records = (await harness.flushedRecords()).filter((record) => orderIds.includes(String(record.attributes['order.id'])));
    expect(records).toHaveLength(3);
    for (const record of records) {
      expect(record.severityText).toBe('ERROR');
      expect(record.attributes).toMatchObject({ 'error.code': 'MISSING_PRICE', 'pos.store.id': 'STORE_003', 'product.id': '999' });
    }
  });

  it('exits 2 on an unknown scenario and lists the valid ones', async () => {
    const run = await runNode(['src/cli/testErrors.ts', '--scenario', 'meltdown']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'Unknown scenario "meltdown"; valid scenarios: missing-price, not-found, inventory, payment-fail, store-config',
    );
  });

  it('exits 3 with a clear message when nothing listens at the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runNode(['src/cli/testErrors.ts', '--scenario', 'inventory', '--url', url]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Cannot reach the POS at ${url} (ECONNREFUSED). Is the POS running?`);
    expect(run.stdout).toBe('');
  });
});

describe('runTestErrors in process', () => {
  it.each([
    ['not-found', 'PRODUCT_NOT_FOUND', 404],
    ['inventory', 'INVENTORY_SHORTAGE', 409],
    ['payment-fail', 'PAYMENT_FAILED', 402],
    ['store-config', 'INVALID_STORE_CONFIG', 400],
  ])('drives %s to %s (HTTP %i)', async (scenario, code, status) => {
    const output = collectingOutput();
    expect(await runTestErrors(['-s', scenario, '-n', '2'], output, { POS_URL: posUrl })).toBe(ExitCode.OK);
    expect(output.stdout.at(-1)).toBe(`Summary: ${scenario} at STORE_001: 2/2 reproduced ${code} (HTTP ${status}), 0 unexpected`);
  });

  it('reports, and exits 1, when the POS answers something else than the scenario', async () => {
    // From an unknown store every order fails the store check first, before its pricing.
    const output = collectingOutput();
    expect(await runTestErrors(['--scenario', 'missing-price', '--store', 'STORE_404', '--url', posUrl], output)).toBe(
      ExitCode.UNEXPECTED_ANSWER,
    );
    expect(output.stdout[0]).toMatch(/HTTP 400 INVALID_STORE_CONFIG .* — UNEXPECTED, wanted MISSING_PRICE$/);
    expect(output.stdout[1]).toContain('0/1 reproduced');
  });

  it('prints the usage, with every scenario, for --help', async () => {
    const output = collectingOutput();
    expect(await runTestErrors(['--help'], output)).toBe(ExitCode.OK);
    expect(output.stdout[0]).toContain('Usage: npm run test-errors');
    for (const name of ['missing-price', 'not-found', 'inventory', 'payment-fail', 'store-config'])
      expect(output.stdout[0]).toContain(name);
  });

  it('exits 2 with the reason for a bad command line', async () => {
    const output = collectingOutput();
    expect(await runTestErrors(['--scenario', 'inventory', '--count', '0'], output)).toBe(ExitCode.USAGE);
    expect(output.stderr[0]).toBe('test-errors: --count must be a whole number from 1 to 1000, got "0"');
  });
});

describe('parseTestErrorsArgs', () => {
  it('has defaults for everything but the scenario', () => {
    expect(parseTestErrorsArgs(['--scenario', 'inventory'])).toEqual({
      scenario: 'inventory',
      store: 'STORE_001',
      count: 1,
      url: DEFAULT_POS_URL,
    });
  });

  it.each([
    [[], '--scenario is required'],
    [['--scenario', 'inventory', '--store', 'STORE 1'], 'is not a store id'],
    [['--scenario', 'inventory', '--count', '2.5'], '--count must be a whole number'],
    [['--scenario', 'inventory', '--url', 'nope'], 'is not a URL'],
    [['--scenario', 'inventory', '--url', 'ftp://pos'], 'must be http or https'],
    [['--scenario', 'inventory', '--colour', 'red'], "Unknown option '--colour'"],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseTestErrorsArgs(argv)).toThrow(UsageError);
    expect(() => parseTestErrorsArgs(argv)).toThrow(message);
  });
});
