import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { UsageError } from '../src/cli/UsageError.ts';
import { failureScenarios } from '../src/scenarios/failureScenarios.ts';
import { randomGoodOrder } from '../src/traffic/goodOrder.ts';
import { formatStats, startTraffic, type TrafficOutcome } from '../src/traffic/index.ts';
import { parseTrafficArgs } from '../src/traffic/trafficArgs.ts';
import { closedPort } from '@stacklens/test-support/network';
import { runNode } from './support/processes.ts';
import { startTelemetryHarness, type TelemetryHarness } from './support/telemetryHarness.ts';

let harness: TelemetryHarness;
let app: FastifyInstance;
let posUrl: string;
let ordersReceived = 0;

beforeAll(async () => {
  harness = await startTelemetryHarness();
  app = await buildApp({ telemetry: harness.telemetry });
  app.addHook('onRequest', async (request) => {
    if (request.url === '/api/orders') ordersReceived++;
  });
  posUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await harness.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A seeded uniform generator (mulberry32), so the mix of orders is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('startTraffic', () => {
  it('sends good orders and each kind of failure through the API, then stops cleanly', async () => {
    const outcomes: TrafficOutcome[] = [];
    const traffic = startTraffic({
      baseUrl: posUrl,
      ordersPerSecond: 100,
      failureShare: 0.5,
      random: seeded(7),
      onOrder: (o) => outcomes.push(o),
    });
    await sleep(800);
    const stats = await traffic.stop();

    expect(stats.placed).toBeGreaterThan(0);
    expect(stats.failed).toBeGreaterThan(0);
    expect(stats.unreachable).toBe(0);
    expect(stats.sent).toBe(stats.placed + stats.failed);
    expect(outcomes).toHaveLength(stats.sent);
    for (const outcome of outcomes) {
      if (outcome.kind !== 'good') expect(outcome.outcome).toBe(failureScenarios[outcome.kind].code);
    }
    expect(new Set(outcomes.map((o) => o.kind)).size).toBeGreaterThanOrEqual(4);

    const receivedAtStop = ordersReceived;
    await sleep(100);
    expect(ordersReceived).toBe(receivedAtStop);
    expect(traffic.stats()).toEqual(stats);

    const records = await harness.flushedRecords();
    expect(records.some((record) => record.severityText === 'INFO')).toBe(true);
    expect(records.some((record) => record.severityText === 'ERROR')).toBe(true);
  });

  it('counts orders to a POS that is not there as unreachable and keeps going', async () => {
    const traffic = startTraffic({ baseUrl: `http://127.0.0.1:${await closedPort()}`, ordersPerSecond: 50 });
    await sleep(200);
    const stats = await traffic.stop();
    expect(stats.sent).toBeGreaterThan(1);
    expect(stats.unreachable).toBe(stats.sent);
    expect(formatStats(stats)).toBe(`${stats.sent} sent, 0 placed, 0 failed, ${stats.sent} unreachable`);
  });

  it('counts an order it could not build as a client error', async () => {
    // A POS with nothing sellable: the generator cannot compose a good order.
    const empty = await buildApp({ telemetry: harness.telemetry, products: [] });
    const url = await empty.listen({ port: 0, host: '127.0.0.1' });
    const traffic = startTraffic({ baseUrl: url, ordersPerSecond: 20, failureShare: 0 });
    await sleep(120);
    const stats = await traffic.stop();
    await empty.close();
    expect(stats.byOutcome.CLIENT_ERROR).toBe(stats.sent);
    expect(formatStats(stats)).toContain(`(CLIENT_ERROR ${stats.sent})`);
  });

  it('refuses a rate or share out of range', () => {
    expect(() => startTraffic({ baseUrl: posUrl, ordersPerSecond: 0 })).toThrow(RangeError);
    expect(() => startTraffic({ baseUrl: posUrl, failureShare: 1.1 })).toThrow(RangeError);
  });
});

describe('randomGoodOrder', () => {
  it('composes an order from a real kiosk of the store and priced products in stock', () => {
    const stores = [{ id: 'STORE_009', name: 'Test', kiosks: ['KIOSK_007'] }];
    const products = [
      { id: 1, name: 'No price', category: 'x', priceCents: null, inStock: 10 },
      { id: 2, name: 'Sold out', category: 'x', priceCents: 100, inStock: 0 },
      { id: 3, name: 'Good', category: 'x', priceCents: 100, inStock: 10 },
    ];
    for (const dice of [0, 0.5, 0.99]) {
      const order = randomGoodOrder(stores, products, () => dice);
      expect(order).toMatchObject({ storeId: 'STORE_009', kioskId: 'KIOSK_007', items: [{ productId: 3 }] });
      expect(order.payment !== undefined).toBe(dice < 0.6);
    }
  });
});

describe('parseTrafficArgs', () => {
  it('takes flags over environment variables over defaults', () => {
    expect(parseTrafficArgs([])).toEqual({
      url: 'http://127.0.0.1:3001',
      ordersPerSecond: 2,
      failureShare: 0.1,
      durationSeconds: undefined,
      verbose: false,
    });
    expect(parseTrafficArgs([], { POS_URL: 'http://pos:1', TRAFFIC_RATE: '5', TRAFFIC_FAILURE_SHARE: '0.3' })).toMatchObject({
      url: 'http://pos:1',
      ordersPerSecond: 5,
      failureShare: 0.3,
    });
    expect(parseTrafficArgs(['--rate', '7', '--duration', '2', '-v'], { TRAFFIC_RATE: '5' })).toMatchObject({
      ordersPerSecond: 7,
      durationSeconds: 2,
      verbose: true,
    });
    expect(parseTrafficArgs(['--help'])).toBeUndefined();
  });

  it.each([[['--rate', '0']], [['--failure-share', 'lots']], [['--duration', '-1']], [['--what']]])('refuses %j', (argv) => {
    expect(() => parseTrafficArgs(argv)).toThrow(UsageError);
  });
});

describe('the traffic entry point', () => {
  it('runs for --duration against a running POS and prints its totals', async () => {
    const run = await runNode([
      'src/traffic/main.ts',
      '--url',
      posUrl,
      '--rate',
      '20',
      '--failure-share',
      '0.5',
      '--duration',
      '0.5',
      '--verbose',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`traffic: 20 order(s)/s to ${posUrl}, 50% failure scenarios`);
    expect(run.stdout).toMatch(/traffic: good → 201 ORDER_PLACED ORD-/);
    expect(run.stdout).toMatch(/traffic: stopped: \d+ sent, \d+ placed, \d+ failed/);
  });

  it('warns once that the POS does not answer yet', async () => {
    const run = await runNode([
      'src/traffic/main.ts',
      '--url',
      `http://127.0.0.1:${await closedPort()}`,
      '--rate',
      '20',
      '--duration',
      '0.3',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr.match(/does not answer yet/g)).toHaveLength(1);
  });

  it('exits 2 on a bad option and prints help on --help', async () => {
    const bad = await runNode(['src/traffic/main.ts', '--rate', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--rate "fast" is out of range');
    const help = await runNode(['src/traffic/main.ts', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run traffic');
  });
});
