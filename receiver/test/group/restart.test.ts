import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuleSetError, type LiveEvent } from '@stacklens/processor';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createReceiver, type Receiver } from '../../src/receiver.ts';
import { startApiReceiver, TOKENS } from './support/apiReceiver.ts';
import { protobufRequest, type PosError } from '@stacklens/test-support/otlp';

// One data folder for the whole file: chDB opens one folder per process, and a
// restart reopens the same folder after the first store is closed.
const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-api-restart-'));
const rulesDir = mkdtempSync(join(tmpdir(), 'stacklens-rules-'));

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rulesDir, { recursive: true, force: true });
});

const config = (env: Record<string, string> = {}) =>
  loadConfig({ STACKLENS_DATA_DIR: dataDir, STACKLENS_VIEWER_TOKEN: TOKENS.viewer, STACKLENS_ADMIN_TOKEN: TOKENS.admin, ...env });

const missingPrice = (order: number): PosError => ({
  errorCode: 'MISSING_PRICE',
  body: `Product 999 has no price (order ORD-${order})`,
  store: 'STORE_001',
});

async function ingest(receiver: Receiver, errors: PosError[]): Promise<void> {
  const response = await receiver.app.inject({
    method: 'POST',
    url: '/v1/logs',
    headers: { 'content-type': 'application/x-protobuf' },
    payload: protobufRequest(errors),
  });
  expect(response.statusCode, response.body).toBe(200);
  await receiver.tracker.flush();
}

async function incidents(receiver: Receiver, query = ''): Promise<Array<{ id: string; count: number; status: string }>> {
  const response = await receiver.app.inject({
    method: 'GET',
    url: `/api/incidents${query}`,
    headers: { authorization: `Bearer ${TOKENS.viewer}` },
  });
  return response.json<{ items: Array<{ id: string; count: number; status: string }> }>().items;
}

describe('a restart on the same data folder', () => {
  it('keeps incidents and their status, and continues them instead of creating them again', async () => {
    const first = await startApiReceiver(dataDir);
    await ingest(first.receiver, [missingPrice(1), missingPrice(2)]);
    const [before] = await incidents(first.receiver);
    expect(before).toMatchObject({ count: 2, status: 'open' });
    expect((await first.post(`/api/incidents/${before!.id}/ack`)).statusCode).toBe(200);
    // Pending writes are flushed by close(); the store is closed before the folder is opened again.
    await ingest(first.receiver, [missingPrice(3)]);
    await first.close();

    // The receiver opens its own store this time, from the configuration.
    const second = await createReceiver(config());
    try {
      const events: LiveEvent[] = [];
      second.bus.subscribe((event) => events.push(event));
      expect(await incidents(second)).toEqual([expect.objectContaining({ id: before!.id, count: 3, status: 'acknowledged' })]);
      await ingest(second, [missingPrice(4)]);
      expect(await incidents(second)).toEqual([expect.objectContaining({ id: before!.id, count: 4 })]);
      expect(events.map((event) => event.type)).not.toContain('incident.created');
      expect(events.map((event) => event.type)).toContain('error.detected');
    } finally {
      await second.close();
    }
  });
});

describe('detection rules from STACKLENS_RULES_FILE', () => {
  it('a bad rules file stops the start with a message naming the file and the field', async () => {
    const bad = join(rulesDir, 'bad-rules.yaml');
    writeFileSync(
      bad,
      'rules:\n  - id: broken\n    match: { errorCode: X }\n    errorType: X\n    severity: URGENT\n    ticket: { mode: never }\n',
    );
    const start = createReceiver(config({ STACKLENS_RULES_FILE: bad }));
    await expect(start).rejects.toThrow(RuleSetError);
    await expect(start).rejects.toThrow(/^bad-rules\.yaml: rules\[0\]\.severity/);
    await expect(createReceiver(config({ STACKLENS_RULES_FILE: join(rulesDir, 'missing.yaml') }))).rejects.toThrow(
      /missing\.yaml: cannot be read/,
    );
  });

  it('uses the rules of the file, and a good edit is picked up while running', async () => {
    const file = join(rulesDir, 'rules.yaml');
    const rule = (code: string, type: string) =>
      `rules:\n  - id: r-${code}\n    match: { errorCode: ${code} }\n    errorType: ${type}\n    severity: LOW\n    ticket: { mode: never }\n`;
    writeFileSync(file, rule('LOYALTY_DOWN', 'LOYALTY_OUTAGE'));
    const receiver = await createReceiver(config({ STACKLENS_RULES_FILE: file }));
    try {
      expect(receiver.pipeline.ruleSet.rules.map((r) => r.id)).toEqual(['r-LOYALTY_DOWN']);
      await ingest(receiver, [
        { errorCode: 'LOYALTY_DOWN', body: 'Loyalty service unreachable' },
        // No rule for this one in the custom file.
        { errorCode: 'MISSING_PRICE', body: 'Product 999 has no price' },
      ]);
      expect(await incidents(receiver, '?errorType=LOYALTY_OUTAGE')).toEqual([expect.objectContaining({ count: 1, severity: 'LOW' })]);
      // The default rules are not in force: the MISSING_PRICE incident of the first test did not grow.
      expect(await incidents(receiver, '?errorType=MISSING_PRICE')).toEqual([expect.objectContaining({ count: 4 })]);

      writeFileSync(file, rule('GIFT_CARD', 'GIFT_CARD_FAILED'));
      await expect.poll(() => receiver.pipeline.ruleSet.rules.map((r) => r.id), { timeout: 5_000 }).toEqual(['r-GIFT_CARD']);
    } finally {
      await receiver.close();
    }
  });
});
