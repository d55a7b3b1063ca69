import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureServer } from './support/captureServer.ts';
import { startCaptureServer } from './support/captureServer.ts';
import { finished, runNode, startNode, waitForOutput } from './support/processes.ts';

let capture: CaptureServer;

beforeAll(async () => {
  capture = await startCaptureServer();
});

afterAll(async () => {
  await capture.close();
});

describe('node src/main.ts', () => {
  it('serves on POS_PORT, exports through the OTEL_* settings, and flushes on SIGTERM', async () => {
    const pos = startNode(['src/main.ts'], {
      POS_PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: capture.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Long enough that only the shutdown flush can deliver the record.
      OTEL_BLRP_SCHEDULE_DELAY: '60000',
    });
    const exit = finished(pos);
    const [, url] = await waitForOutput(pos, /demo-pos listening on (http:\/\/127\.0\.0\.1:\d+)/);

    const response = await fetch(`${url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ storeId: 'STORE_005', kioskId: 'KIOSK_009', items: [{ productId: 101, quantity: 1 }] }),
    });
    expect(response.status).toBe(400);
    const { orderId } = (await response.json()) as { orderId: string };
    expect(capture.records()).toHaveLength(0);

    pos.kill('SIGTERM');
    const { code, stdout } = await exit;
    expect(code).toBe(0);
    expect(stdout).toContain('demo-pos: stopped, telemetry flushed');
    const record = capture.records().find((candidate) => candidate.attributes['order.id'] === orderId);
    expect(record?.attributes['error.code']).toBe('INVALID_STORE_CONFIG');
    expect(record?.resource).toMatchObject({ 'service.name': 'demo-pos', 'service.version': '0.1.0' });
  });

  it('refuses a bad POS_* setting with a clear message', async () => {
    const run = await runNode(['src/main.ts'], { POS_PAYMENT_FAILURE_RATE: 'often' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('demo-pos: POS_PAYMENT_FAILURE_RATE=often is not valid (default 0)');
  });
});
