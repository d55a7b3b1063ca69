/**
 * `npm run bench:ticket`: time from the POS-style app logging an error (through
 * @stacklens/telemetry, exporter batch delay 10 ms) to the ticket's create call arriving at a
 * Jira (the stateful Jira double of the receiver's tests, on a local port). The receiver runs
 * its default integrations: the AI stage with the offline analyser (no OPENAI_API_KEY) when it
 * is built, then the ticket stage, configured by JIRA_* variables. Each probe is a new error
 * (its message differs in letters, which masking keeps), so each one files a ticket. The same
 * run times each probe's `incident.created` live event: the floor without the ticket stage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupTelemetry } from '@stacklens/telemetry';
import { createReceiver, loadConfig, openStore } from '@stacklens/receiver';
import { startJiraDouble } from '@stacklens/test-support/jira';
import { percentile, rulesWithoutStormGuard, word } from './probes.ts';

const PROBES = Number(process.env.BENCH_PROBES ?? 60);
// Two new incidents a second, every one filing a ticket: far above what a Jira project takes in, yet within what one embedded engine serves beside ingest.
const SPACING_MS = Number(process.env.BENCH_SPACING_MS ?? 500);
const TARGET_P99_MS = 1_000;
// The storm guard's hold before a new incident's analysis and ticket (storm.holdSeconds): off by default, to time the path itself.
const HOLD_SECONDS = Number(process.env.BENCH_HOLD_SECONDS ?? 0);

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)! };
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-ticket-latency-'));
  const jira = await startJiraDouble();
  const store = await openStore({ kind: 'chdb', dataDir, database: 'ticketlatency', retentionDays: 30 });
  const receiver = await createReceiver(
    loadConfig({
      STACKLENS_DATA_DIR: dataDir,
      RECEIVER_PORT: '0',
      CLICKHOUSE_DATABASE: 'ticketlatency',
      // The Jira double listens on 127.0.0.1.
      STACKLENS_ALLOW_PRIVATE_TARGETS: 'true',
      JIRA_BASE_URL: jira.url,
      JIRA_EMAIL: 'bench@example.com',
      JIRA_API_TOKEN: 'bench-token',
      JIRA_PROJECT_KEY: 'POS',
      JIRA_AUTO_CREATE: 'true',
      JIRA_POLL_SECONDS: '0',
      OPENAI_API_KEY: '',
      STACKLENS_RULES_FILE: rulesWithoutStormGuard(dataDir, HOLD_SECONDS),
    }),
    { store },
  );
  const url = await receiver.app.listen({ host: '127.0.0.1', port: 0 });
  const telemetry = setupTelemetry({
    serviceName: 'ticket-probe',
    endpoint: url,
    protocol: 'http/protobuf',
    batch: { scheduledDelayMillis: 10 },
    shutdownOnSignals: false,
  });
  const analyser = receiver.integrations.some((integration) => integration.analyses)
    ? 'offline analyser (AI stage built)'
    : 'none (the AI stage is not built in this tree)';
  try {
    const sentAt = new Map<string, number>();
    const liveMs: number[] = [];
    receiver.bus.subscribe((event) => {
      if (event.type !== 'incident.created') return;
      const started = sentAt.get(event.incident.title);
      if (started !== undefined) liveMs.push(Date.now() - started);
    });

    console.log(`Logging ${PROBES} distinct MISSING_PRICE errors, ${SPACING_MS} ms apart; tickets to ${jira.url}…`);
    for (let i = 0; i < PROBES; i += 1) {
      const message = `${word(i)}: ticket probe has no price`;
      sentAt.set(message, Date.now());
      // MISSING_PRICE groups by product: one product per probe.
      telemetry.logger.error(message, { 'error.code': 'MISSING_PRICE', 'pos.store.id': 'STORE_001', 'product.id': String(10_000 + i) });
      await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
    }
    const deadline = Date.now() + 30_000;
    while (jira.issues.length < PROBES && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

    const ticketMs = jira.issues.flatMap((issue) => {
      const message = [...sentAt.keys()].find((m) => issue.summary.includes(m));
      return message === undefined ? [] : [issue.created - sentAt.get(message)!];
    });
    const tickets = summary(ticketMs);
    const live = summary(liveMs);
    // The hold is a wait on purpose (a storm is recognised before any ticket): the target is the path's, after it.
    const target = TARGET_P99_MS + HOLD_SECONDS * 1_000;
    console.log(`
log-to-ticket latency (${new Date().toISOString()}, node ${process.version})
  tickets filed             ${ticketMs.length} / ${PROBES} (create calls: ${jira.created()})
  p50                       ${tickets.p50} ms
  p99                       ${tickets.p99} ms   = ${((tickets.p99 / target) * 100).toFixed(0)} % of the ${target} ms target   ${tickets.p99 <= target ? 'PASS' : 'MISS'}
  max                       ${tickets.max} ms
  same probes, log to live incident.created: p50 ${live.p50} ms, p99 ${live.p99} ms (the floor without the ticket stage)
  ticket stage's share of p50: ${tickets.p50 - live.p50} ms
  analysis:                 ${analyser}; ${jira.issues.filter((issue) => JSON.stringify(issue.description).includes('AI analysis')).length} of ${jira.issues.length} tickets carry it
  exporter batch delay      10 ms (part of every figure)
  storm-guard hold          ${HOLD_SECONDS} s (part of every ticket figure; the target is ${TARGET_P99_MS} ms plus the hold)`);
    if (ticketMs.length < PROBES || jira.created() !== PROBES) process.exitCode = 1;
  } finally {
    await telemetry.shutdown();
    await receiver.close();
    await store.close();
    await jira.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
