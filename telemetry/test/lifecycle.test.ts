import { setTimeout as sleep } from 'node:timers/promises';
import { diag, DiagLogLevel, logs, SeverityNumber, trace } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setupTelemetry } from '../src/index.ts';
import type { Telemetry, TelemetryOptions } from '../src/index.ts';
import { PACKAGE_VERSION } from '../src/version.ts';
import packageJson from '../package.json' with { type: 'json' };
import { closedPortUrl, startCaptureServer } from './support/captureServer.ts';
import type { CaptureServer } from './support/captureServer.ts';
import { clearOtelEnv } from './support/env.ts';
import { exportedRecords } from './support/otlpLogs.ts';

/** A delay no test waits for: only flush and shutdown can export. */
const NEVER = { scheduledDelayMillis: 3_600_000 };

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

function setUp(options: TelemetryOptions = {}): Telemetry {
  telemetry = setupTelemetry({ endpoint: server.baseUrl, protocol: 'http/json', shutdownOnSignals: false, batch: NEVER, ...options });
  return telemetry;
}

const bodies = () => exportedRecords(server.requests).map((r) => r.body);

describe('flushing', () => {
  it('holds a record until shutdown, which exports it', async () => {
    const t = setUp();
    t.logger.error('pending');
    await sleep(50);
    expect(server.requests).toHaveLength(0);
    await t.shutdown();
    expect(bodies()).toEqual(['pending']);
  });

  it('forceFlush exports what is buffered and keeps logging possible', async () => {
    const t = setUp();
    t.logger.info('first');
    await t.forceFlush();
    t.logger.info('second');
    await t.forceFlush();
    expect(bodies()).toEqual(['first', 'second']);
  });

  it('drops records logged after shutdown without throwing', async () => {
    const t = setUp();
    await t.shutdown();
    expect(() => t.logger.error('too late')).not.toThrow();
    await t.forceFlush();
    expect(server.requests).toHaveLength(0);
  });

  it('shutdown is idempotent', async () => {
    const t = setUp();
    t.logger.info('once');
    await Promise.all([t.shutdown(), t.shutdown()]);
    await t.shutdown();
    expect(bodies()).toEqual(['once']);
  });
});

describe('a second setup', () => {
  it('is refused while the first is live, with a clear error', () => {
    setUp();
    expect(() => setupTelemetry({ shutdownOnSignals: false })).toThrow(
      expect.objectContaining({ code: 'ALREADY_SET_UP', message: expect.stringContaining('shutdown()') }),
    );
  });

  it('is allowed once the first has shut down, and then owns the globals', async () => {
    await setUp().shutdown();
    const second = setUp({ serviceName: 'second' });
    logs.getLogger('third-party').emit({ severityNumber: SeverityNumber.WARN, body: 'via the global API' });
    await second.forceFlush();
    expect(exportedRecords(server.requests)).toMatchObject([{ body: 'via the global API', resource: { 'service.name': 'second' } }]);
  });
});

describe('global registration', () => {
  it('serves third-party code using the global logs and trace APIs', async () => {
    const t = setUp();
    const ids = trace.getTracer('third-party').startActiveSpan('db.query', (span) => {
      logs.getLogger('third-party').emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: 'deadlock' });
      span.end();
      return span.spanContext();
    });
    await t.forceFlush();
    expect(ids.traceId).not.toBe('0'.repeat(32));
    expect(exportedRecords(server.requests)).toMatchObject([
      { body: 'deadlock', scopeName: 'third-party', traceId: ids.traceId, spanId: ids.spanId },
    ]);
  });

  it('unregisters the globals on shutdown', async () => {
    await setUp().shutdown();
    const span = trace.getTracer('after').startSpan('noop');
    expect(span.isRecording()).toBe(false);
    logs.getLogger('after').emit({ body: 'nowhere' });
    await sleep(20);
    expect(server.requests).toHaveLength(0);
  });

  it('keeps a tracer provider another SDK registered, and leaves it registered', async () => {
    const foreign = new TracerProvider();
    trace.setGlobalTracerProvider(foreign);
    try {
      const t = setUp();
      const ids = t.tracer.startActiveSpan('ours', (span) => {
        t.logger.error('inside our span');
        span.end();
        return span.spanContext();
      });
      await t.shutdown();
      expect(exportedRecords(server.requests)).toMatchObject([{ traceId: ids.traceId, spanId: ids.spanId }]);
      expect(trace.getTracer('x').startSpan('still foreign').isRecording()).toBe(true);
    } finally {
      trace.disable();
      await foreign.shutdown();
    }
  });
});

describe('export failures', () => {
  function collectDiagErrors(): string[] {
    const errors: string[] = [];
    const collector: DiagLogger = {
      error: (...args: unknown[]) =>
        void errors.push(args.map((a) => (a instanceof Error ? a.message : (JSON.stringify(a) ?? String(a)))).join(' ')),
      warn: () => undefined,
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    };
    diag.setLogger(collector, DiagLogLevel.ERROR);
    return errors;
  }

  afterEach(() => diag.disable());

  it('a receiver that is down neither throws into the app nor rejects flush and shutdown', async () => {
    const errors = collectDiagErrors();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const t = setupTelemetry({
        endpoint: await closedPortUrl(),
        shutdownOnSignals: false,
        batch: { ...NEVER, exportTimeoutMillis: 300 },
      });
      telemetry = t;
      expect(() => t.logger.exception(new Error('card declined'))).not.toThrow();
      await expect(t.forceFlush()).resolves.toBeUndefined();
      await expect(t.shutdown()).resolves.toBeUndefined();
      await sleep(20);
      expect(unhandled).not.toHaveBeenCalled();
      // The failure is not swallowed: it reaches OpenTelemetry's diag channel.
      expect(errors.join('\n')).toMatch(/ECONNREFUSED|Timeout/);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('a receiver answering 500 does not break the app either', async () => {
    await server.close();
    server = await startCaptureServer(() => ({ status: 500, body: '{}' }));
    const errors = collectDiagErrors();
    const t = setUp({ batch: { ...NEVER, exportTimeoutMillis: 300 } });
    t.logger.error('rejected by the receiver');
    await expect(t.forceFlush()).resolves.toBeUndefined();
    expect(server.requests.length).toBeGreaterThanOrEqual(1);
    expect(errors).not.toHaveLength(0);
  });
});

describe('OTEL_SDK_DISABLED', () => {
  it('makes everything a no-op: no export, no real spans, no signal listeners', async () => {
    vi.stubEnv('OTEL_SDK_DISABLED', 'true');
    const listenersBefore = process.listenerCount('SIGTERM');
    const t = setupTelemetry({ endpoint: server.baseUrl });
    t.logger.error('silenced');
    const span = t.tracer.startSpan('noop');
    await t.forceFlush();
    await t.shutdown();
    expect(span.isRecording()).toBe(false);
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore);
    expect(server.requests).toHaveLength(0);
  });
});

describe('signal listeners', () => {
  it('are added for SIGTERM and SIGINT by default and removed on shutdown', async () => {
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const t = setUp({ shutdownOnSignals: undefined });
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    await t.shutdown();
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
    expect(process.listenerCount('SIGINT')).toBe(before.int);
  });

  it('flush on beforeExit, the moment a process with an empty event loop would end', async () => {
    const before = process.listenerCount('beforeExit');
    const t = setUp({ shutdownOnSignals: false });
    expect(process.listenerCount('beforeExit')).toBe(before + 1);
    t.logger.warn('left in the buffer');
    process.emit('beforeExit', 0);
    await server.waitForRequests(1);
    expect(bodies()).toEqual(['left in the buffer']);
    await t.shutdown();
    expect(process.listenerCount('beforeExit')).toBe(before);
  });

  it('are not added with shutdownOnSignals: false', () => {
    const before = process.listenerCount('SIGTERM');
    setUp({ shutdownOnSignals: false });
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('flush on a signal and leave the exit to a host that listens to it too', async () => {
    const hostHandler = vi.fn();
    process.on('SIGTERM', hostHandler);
    // Stubbed so a regression fails the assertion instead of killing the test worker.
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      const t = setUp({ shutdownOnSignals: true });
      t.logger.error('in flight at SIGTERM');
      process.emit('SIGTERM', 'SIGTERM');
      await server.waitForRequests(1);
      await t.shutdown();
      await sleep(20);
      expect(bodies()).toEqual(['in flight at SIGTERM']);
      expect(hostHandler).toHaveBeenCalledOnce();
      expect(kill).not.toHaveBeenCalled();
      expect(process.listeners('SIGTERM')).toEqual([hostHandler]);
    } finally {
      kill.mockRestore();
      process.off('SIGTERM', hostHandler);
    }
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('flush on %s, then re-raise it when nobody else listens', async (signal) => {
    const others = process.listeners(signal);
    process.removeAllListeners(signal);
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      const t = setUp({ shutdownOnSignals: true });
      t.logger.error(`in flight at ${signal}`);
      process.emit(signal, signal);
      await vi.waitFor(() => expect(kill).toHaveBeenCalledWith(process.pid, signal));
      // The re-raise comes only after the record reached the receiver.
      expect(bodies()).toEqual([`in flight at ${signal}`]);
      expect(process.listenerCount(signal)).toBe(0);
      expect(kill).toHaveBeenCalledOnce();
    } finally {
      kill.mockRestore();
      for (const listener of others) process.on(signal, listener);
    }
  });
});

it('reports the package version as the instrumentation scope version', async () => {
  expect(PACKAGE_VERSION).toBe(packageJson.version);
  const t = setUp();
  t.logger.info('v');
  await t.forceFlush();
  expect(exportedRecords(server.requests)[0]?.scopeVersion).toBe(packageJson.version);
});

it('an Error without a message is logged with its type as body', async () => {
  class EmptyCartError extends Error {}
  const t = setUp();
  t.logger.exception(new EmptyCartError());
  await t.forceFlush();
  expect(exportedRecords(server.requests)[0]).toMatchObject({
    body: 'EmptyCartError',
    attributes: { 'exception.type': 'EmptyCartError', 'exception.message': '' },
  });
});
