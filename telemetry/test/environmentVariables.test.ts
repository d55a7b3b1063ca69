import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setupTelemetry, TelemetrySetupError } from '../src/index.ts';
import type { Telemetry, TelemetryOptions } from '../src/index.ts';
import { closedPortUrl, startCaptureServer } from './support/captureServer.ts';
import type { CaptureServer } from './support/captureServer.ts';
import { clearOtelEnv } from './support/env.ts';
import { exportedRecords } from './support/otlpLogs.ts';

let server: CaptureServer;
let telemetry: Telemetry | undefined;

beforeEach(async () => {
  clearOtelEnv();
  server = await startCaptureServer();
});

afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
  await server.close();
  vi.unstubAllEnvs();
});

/** Sets up with the options given, logs one record and flushes it. */
async function logOnce(options: TelemetryOptions = {}): Promise<void> {
  telemetry = setupTelemetry({ shutdownOnSignals: false, ...options });
  telemetry.logger.error('probe');
  await telemetry.forceFlush();
}

async function firstRecord() {
  const [record] = exportedRecords(server.requests);
  return record;
}

describe('resource from the environment', () => {
  it('takes service.name from OTEL_SERVICE_NAME over OTEL_RESOURCE_ATTRIBUTES, and the rest from the latter', async () => {
    vi.stubEnv('OTEL_SERVICE_NAME', 'kiosk-api');
    vi.stubEnv(
      'OTEL_RESOURCE_ATTRIBUTES',
      'service.name=ignored,service.version=2.0.1,deployment.environment.name=prod-eu,team=pos%20core',
    );
    await logOnce({ endpoint: server.baseUrl });
    expect((await firstRecord())?.resource).toMatchObject({
      'service.name': 'kiosk-api',
      'service.version': '2.0.1',
      'deployment.environment.name': 'prod-eu',
      'deployment.environment': 'prod-eu',
      team: 'pos core',
    });
  });

  it('lets options set in code win over the environment', async () => {
    vi.stubEnv('OTEL_SERVICE_NAME', 'from-env');
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'service.version=0.0.1,deployment.environment.name=staging,team=env');
    await logOnce({
      endpoint: server.baseUrl,
      serviceName: 'from-code',
      serviceVersion: '3.0.0',
      environment: 'production',
      resourceAttributes: { team: 'code' },
    });
    expect((await firstRecord())?.resource).toMatchObject({
      'service.name': 'from-code',
      'service.version': '3.0.0',
      'deployment.environment.name': 'production',
      team: 'code',
    });
  });

  it('reads the legacy deployment.environment key and writes both keys', async () => {
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'deployment.environment=qa');
    await logOnce({ endpoint: server.baseUrl });
    expect((await firstRecord())?.resource).toMatchObject({
      'deployment.environment.name': 'qa',
      'deployment.environment': 'qa',
    });
  });

  it('falls back to NODE_ENV for the environment and to unknown_service for the name', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    await logOnce({ endpoint: server.baseUrl });
    const resource = (await firstRecord())?.resource;
    expect(resource?.['deployment.environment.name']).toBe('production');
    expect(resource?.['service.name']).toMatch(/^unknown_service/);
  });

  it('leaves the environment out when nothing names one', async () => {
    vi.stubEnv('NODE_ENV', undefined);
    await logOnce({ endpoint: server.baseUrl });
    expect((await firstRecord())?.resource).not.toHaveProperty('deployment.environment.name');
  });
});

describe('exporter settings from the environment', () => {
  it('appends /v1/logs to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `${server.baseUrl}/collector`);
    await logOnce();
    expect(server.requests.map((r) => r.path)).toEqual(['/collector/v1/logs']);
  });

  it('uses OTEL_EXPORTER_OTLP_LOGS_ENDPOINT as is, in preference to the generic one', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', await closedPortUrl());
    vi.stubEnv('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', `${server.baseUrl}/ingest/logs`);
    await logOnce();
    expect(server.requests.map((r) => r.path)).toEqual(['/ingest/logs']);
  });

  it('lets the endpoint option win over the variables, appending /v1/logs after a path or a slash', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', `${await closedPortUrl()}/v1/logs`);
    await logOnce({ endpoint: `${server.baseUrl}/otlp/` });
    expect(server.requests.map((r) => r.path)).toEqual(['/otlp/v1/logs']);
  });

  it('sends headers from both variables and from the options, the options winning a clash', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'x-tenant=acme,x-api-key=from-env');
    vi.stubEnv('OTEL_EXPORTER_OTLP_LOGS_HEADERS', 'x-team=pos');
    await logOnce({ endpoint: server.baseUrl, headers: { 'x-api-key': 'from-code', authorization: 'Bearer t0k' } });
    expect(server.requests[0]?.headers).toMatchObject({
      'x-tenant': 'acme',
      'x-team': 'pos',
      'x-api-key': 'from-code',
      authorization: 'Bearer t0k',
    });
  });

  it('defaults to http/protobuf, the protocol the spec makes the default', async () => {
    await logOnce({ endpoint: server.baseUrl });
    expect(server.requests[0]?.headers['content-type']).toBe('application/x-protobuf');
  });

  it('takes the protocol from OTEL_EXPORTER_OTLP_PROTOCOL', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
    await logOnce({ endpoint: server.baseUrl });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('prefers OTEL_EXPORTER_OTLP_LOGS_PROTOCOL to the generic variable', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
    vi.stubEnv('OTEL_EXPORTER_OTLP_LOGS_PROTOCOL', 'http/protobuf');
    await logOnce({ endpoint: server.baseUrl });
    expect(server.requests[0]?.headers['content-type']).toBe('application/x-protobuf');
  });

  it('lets the protocol option win over the variables', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_LOGS_PROTOCOL', 'http/protobuf');
    await logOnce({ endpoint: server.baseUrl, protocol: 'http/json' });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('gzips the body when OTEL_EXPORTER_OTLP_COMPRESSION=gzip', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_COMPRESSION', 'gzip');
    await logOnce({ endpoint: server.baseUrl, protocol: 'http/json' });
    expect(server.requests[0]?.headers['content-encoding']).toBe('gzip');
    expect(exportedRecords(server.requests).map((r) => r.body)).toEqual(['probe']);
  });

  it('gives up on a silent receiver after OTEL_EXPORTER_OTLP_TIMEOUT', async () => {
    await server.close();
    server = await startCaptureServer(() => 'hang');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TIMEOUT', '200');
    const started = Date.now();
    await logOnce({ endpoint: server.baseUrl });
    // The exporter's default is 10 s; well under that proves the variable was applied.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
  });

  it('splits batches at OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', async () => {
    vi.stubEnv('OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', '2');
    telemetry = setupTelemetry({ endpoint: server.baseUrl, shutdownOnSignals: false, batch: { scheduledDelayMillis: 60_000 } });
    for (const n of [1, 2, 3, 4, 5]) telemetry.logger.info(`record ${n}`);
    await telemetry.forceFlush();
    expect(server.requests.map((r) => exportedRecords([r]).length)).toEqual([2, 2, 1]);
  });

  it('lets batch options win over OTEL_BLRP_* and ignores invalid values', async () => {
    vi.stubEnv('OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', '1');
    vi.stubEnv('OTEL_BLRP_MAX_QUEUE_SIZE', '-5');
    telemetry = setupTelemetry({
      endpoint: server.baseUrl,
      shutdownOnSignals: false,
      batch: { scheduledDelayMillis: 60_000, maxExportBatchSize: 3 },
    });
    for (const n of [1, 2, 3, 4]) telemetry.logger.info(`record ${n}`);
    await telemetry.forceFlush();
    expect(server.requests.map((r) => exportedRecords([r]).length)).toEqual([3, 1]);
  });

  it('exports on the OTEL_BLRP_SCHEDULE_DELAY timer without a flush', async () => {
    vi.stubEnv('OTEL_BLRP_SCHEDULE_DELAY', '20');
    telemetry = setupTelemetry({ endpoint: server.baseUrl, shutdownOnSignals: false });
    telemetry.logger.warn('on the timer');
    const requests = await server.waitForRequests(1, 2_000);
    expect(exportedRecords(requests).map((r) => r.body)).toEqual(['on the timer']);
  });
});

describe('configuration errors', () => {
  it('refuses grpc with a clear error rather than sending HTTP to a gRPC port', () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc');
    expect(() => setupTelemetry({ shutdownOnSignals: false })).toThrow(
      expect.objectContaining({ name: 'TelemetrySetupError', code: 'UNSUPPORTED_PROTOCOL', message: expect.stringContaining("'grpc'") }),
    );
  });

  it('refuses an endpoint that is not an absolute http(s) URL', () => {
    const attempt = (endpoint: string) => () => setupTelemetry({ endpoint, shutdownOnSignals: false });
    expect(attempt('collector:4318')).toThrow(TelemetrySetupError);
    expect(attempt('/v1')).toThrow(expect.objectContaining({ code: 'INVALID_ENDPOINT' }));
  });

  it('leaves nothing half set up after a refusal', async () => {
    expect(() => setupTelemetry({ protocol: 'grpc' as 'http/json', shutdownOnSignals: false })).toThrow(TelemetrySetupError);
    await logOnce({ endpoint: server.baseUrl });
    expect(exportedRecords(server.requests).map((r) => r.body)).toEqual(['probe']);
  });
});
