import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PosAttributes, setupTelemetry } from '../src/index.ts';
import type { OtlpHttpProtocol, Telemetry } from '../src/index.ts';
import { startCaptureServer } from './support/captureServer.ts';
import type { CaptureServer } from './support/captureServer.ts';
import { clearOtelEnv } from './support/env.ts';
import { exportedRecords } from './support/otlpLogs.ts';
import type { ExportedRecord } from './support/otlpLogs.ts';

class PaymentGatewayError extends Error {}

const PROTOCOLS: { protocol: OtlpHttpProtocol; contentType: string }[] = [
  { protocol: 'http/json', contentType: 'application/json' },
  { protocol: 'http/protobuf', contentType: 'application/x-protobuf' },
];

describe.each(PROTOCOLS)('log records over $protocol', ({ protocol, contentType }) => {
  let server: CaptureServer;
  let telemetry: Telemetry;

  beforeEach(async () => {
    clearOtelEnv();
    server = await startCaptureServer();
    telemetry = setupTelemetry({
      serviceName: 'demo-pos',
      serviceVersion: '1.4.2',
      environment: 'staging',
      protocol,
      endpoint: server.baseUrl,
      resourceAttributes: { 'service.namespace': 'retail', 'pos.region': 'eu-west', 'pos.fleet.size': 12 },
      shutdownOnSignals: false,
    });
  });

  afterEach(async () => {
    await telemetry.shutdown();
    await server.close();
    vi.unstubAllEnvs();
  });

  async function flushed(): Promise<ExportedRecord[]> {
    await telemetry.forceFlush();
    return exportedRecords(server.requests);
  }

  it(`posts ${contentType} to /v1/logs`, async () => {
    telemetry.logger.info('hello');
    await telemetry.forceFlush();
    const [request] = await server.waitForRequests(1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/logs');
    expect(request?.headers['content-type']).toBe(contentType);
  });

  it('describes the service in the resource', async () => {
    telemetry.logger.info('hello');
    const [record] = await flushed();
    expect(record?.resource).toMatchObject({
      'service.name': 'demo-pos',
      'service.version': '1.4.2',
      'service.namespace': 'retail',
      'deployment.environment.name': 'staging',
      'deployment.environment': 'staging',
      'pos.region': 'eu-west',
      'pos.fleet.size': 12,
      'host.name': hostname(),
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': 'nodejs',
    });
    expect(record?.resource['telemetry.sdk.version']).toMatch(/^\d+\.\d+\.\d+/);
    // The command line may hold secrets; the SDK's process detector would have sent it.
    expect(record?.resource).not.toHaveProperty('process.command_args');
    expect(record?.scopeName).toBe('@stacklens/telemetry');
  });

  it('error() carries severity ERROR, the message as body and the business attributes', async () => {
    telemetry.logger.error('Product 999 has no price', {
      [PosAttributes.STORE_ID]: 'STORE_001',
      [PosAttributes.KIOSK_ID]: 'KIOSK_03',
      [PosAttributes.ORDER_ID]: 'ORD-42',
      [PosAttributes.PRODUCT_ID]: '999',
      [PosAttributes.ERROR_CODE]: 'MISSING_PRICE',
      [PosAttributes.HTTP_STATUS]: 500,
      'pos.retry': false,
      'pos.discount': 0.25,
      'pos.customer.id': undefined,
    });
    const [record] = await flushed();
    expect(record).toMatchObject({ severityNumber: 17, severityText: 'ERROR', body: 'Product 999 has no price' });
    expect(record?.attributes).toEqual({
      'pos.store.id': 'STORE_001',
      'pos.kiosk.id': 'KIOSK_03',
      'order.id': 'ORD-42',
      'product.id': '999',
      'error.code': 'MISSING_PRICE',
      'http.response.status_code': 500,
      'pos.retry': false,
      'pos.discount': 0.25,
    });
  });

  it('debug, info and warn carry their own severity numbers and texts', async () => {
    telemetry.logger.debug('d');
    telemetry.logger.info('i');
    telemetry.logger.warn('w');
    const records = await flushed();
    expect(records.map((r) => [r.body, r.severityNumber, r.severityText])).toEqual([
      ['d', 5, 'DEBUG'],
      ['i', 9, 'INFO'],
      ['w', 13, 'WARN'],
    ]);
  });

  it('exception() records exception.type, exception.message and exception.stacktrace', async () => {
    const thrown = new PaymentGatewayError('gateway timed out after 3 retries');
    telemetry.logger.exception(thrown, { [PosAttributes.ERROR_CODE]: 'PAYMENT_FAILED', [PosAttributes.ORDER_ID]: 'ORD-7' });
    const [record] = await flushed();
    expect(record).toMatchObject({ severityNumber: 17, severityText: 'ERROR', body: 'gateway timed out after 3 retries' });
    expect(record?.attributes).toEqual({
      'exception.type': 'PaymentGatewayError',
      'exception.message': 'gateway timed out after 3 retries',
      'exception.stacktrace': thrown.stack,
      'error.code': 'PAYMENT_FAILED',
      'order.id': 'ORD-7',
    });
    expect(record?.attributes['exception.stacktrace']).toContain('logRecords.test.ts');
  });

  it('exception() of a thrown string keeps the text as body and message', async () => {
    telemetry.logger.exception('out of paper');
    const [record] = await flushed();
    expect(record).toMatchObject({ severityNumber: 17, body: 'out of paper' });
    expect(record?.attributes).toEqual({ 'exception.message': 'out of paper' });
  });

  it('records inside an active span carry its trace id and span id; records outside carry none', async () => {
    let inside: { traceId: string; spanId: string } | undefined;
    await telemetry.tracer.startActiveSpan('checkout', async (span) => {
      telemetry.logger.info('before await');
      // AsyncLocalStorage must carry the span across an await; a stack-based manager would not.
      await sleep(5);
      telemetry.logger.error('after await');
      inside = span.spanContext();
      span.end();
    });
    telemetry.logger.info('outside');
    const records = await flushed();
    expect(inside?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(inside?.traceId).not.toBe('0'.repeat(32));
    expect(inside?.spanId).toMatch(/^[0-9a-f]{16}$/);
    const byBody = new Map(records.map((r) => [r.body, r]));
    for (const body of ['before await', 'after await']) {
      expect(byBody.get(body)).toMatchObject({ traceId: inside?.traceId, spanId: inside?.spanId });
    }
    expect(byBody.get('outside')).toMatchObject({ traceId: '', spanId: '' });
  });

  it('nested spans: a record carries the innermost span id and the shared trace id', async () => {
    const ids = telemetry.tracer.startActiveSpan('order', (outer) =>
      telemetry.tracer.startActiveSpan('payment', (inner) => {
        telemetry.logger.error('declined');
        inner.end();
        outer.end();
        return { outer: outer.spanContext(), inner: inner.spanContext() };
      }),
    );
    const [record] = await flushed();
    expect(ids.inner.traceId).toBe(ids.outer.traceId);
    expect(record).toMatchObject({ traceId: ids.inner.traceId, spanId: ids.inner.spanId });
    expect(record?.spanId).not.toBe(ids.outer.spanId);
  });
});
