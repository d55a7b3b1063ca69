import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogAttributes, StackLensLogger } from '@stacklens/telemetry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatLogLine, openPlainTextLogFile } from '../src/logFile/PlainTextLogFile.ts';
import { teeLogger } from '../src/logFile/teeLogger.ts';
import type { CaptureServer } from './support/captureServer.ts';
import { startCaptureServer } from './support/captureServer.ts';
import { finished, startNode, waitForOutput } from './support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'pos-log-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINE = /^(?<time>[^\t]+)\t(?<level>[A-Z]+)\t(?<message>[^\t]*)\t(?<context>\{.*\})$/;

interface ParsedLine {
  time: string;
  level: string;
  message: string;
  context: Record<string, unknown>;
}

function parse(line: string): ParsedLine {
  const fields = LINE.exec(line)?.groups;
  if (!fields) throw new Error(`not a POS log line: ${JSON.stringify(line)}`);
  return { time: fields.time!, level: fields.level!, message: fields.message!, context: JSON.parse(fields.context!) };
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

describe('formatLogLine', () => {
  it('writes time, level, message and JSON context, tab-separated, on one line', () => {
    const line = formatLogLine(new Date('2026-11-25T10:00:00.123Z'), 'ERROR', 'Price\tmissing\nfor 999', {
      'error.code': 'MISSING_PRICE',
      'http.response.status_code': 422,
      note: 'a\ttab and a\nnewline',
      absent: undefined,
    });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(parse(line.slice(0, -1))).toEqual({
      time: '2026-11-25T10:00:00.123Z',
      level: 'ERROR',
      message: 'Price missing for 999',
      context: { 'error.code': 'MISSING_PRICE', 'http.response.status_code': 422, note: 'a\ttab and a\nnewline' },
    });
  });
});

describe('teeLogger', () => {
  const emitted: Array<[string, string, LogAttributes | undefined]> = [];
  const recording = (level: string) => (message: string, attributes?: LogAttributes) => void emitted.push([level, message, attributes]);
  const inner: StackLensLogger = {
    debug: recording('debug'),
    info: recording('info'),
    warn: recording('warn'),
    error: recording('error'),
    exception: (thrown, attributes) => void emitted.push(['exception', String(thrown), attributes]),
  };
  afterEach(() => void emitted.splice(0));

  it('emits every record through the telemetry logger and writes it to the file', () => {
    const path = join(dir, 'tee.log');
    const file = openPlainTextLogFile(path, () => new Date('2026-11-25T10:00:00.000Z'));
    const logger = teeLogger(inner, file);
    logger.debug('d');
    logger.info('Order placed', { 'order.id': 'ORD-1' });
    logger.warn('w', { 'pos.store.id': 'STORE_001' });
    logger.error('Price missing', { 'error.code': 'MISSING_PRICE' });
    class PaymentDeclined extends Error {}
    logger.exception(new PaymentDeclined('card declined'), { 'order.id': 'ORD-2' });
    logger.exception('a string');
    file.close();
    file.close();
    logger.info('after close: not written');

    expect(emitted.map(([level]) => level)).toEqual(['debug', 'info', 'warn', 'error', 'exception', 'exception', 'info']);
    const written = lines(path).map(parse);
    expect(written.map(({ level, message }) => [level, message])).toEqual([
      ['DEBUG', 'd'],
      ['INFO', 'Order placed'],
      ['WARN', 'w'],
      ['ERROR', 'Price missing'],
      ['ERROR', 'card declined'],
      ['ERROR', 'a string'],
    ]);
    expect(written[1]!.context).toEqual({ 'order.id': 'ORD-1' });
    expect(written[4]!.context).toMatchObject({
      'exception.type': 'PaymentDeclined',
      'exception.message': 'card declined',
      'order.id': 'ORD-2',
    });
    expect(written[4]!.context['exception.stacktrace']).toContain('card declined');
    expect(written[5]!.context).toEqual({ 'exception.type': 'string', 'exception.message': 'a string' });
  });

  it('keeps logging through the telemetry logger when the file cannot be written', () => {
    const logger = teeLogger(inner, {
      write: () => {
        throw new Error('ENOSPC: no space left on device');
      },
      close: () => undefined,
    });
    expect(() => logger.error('still reported', { 'error.code': 'X' })).not.toThrow();
    expect(emitted).toEqual([['error', 'still reported', { 'error.code': 'X' }]]);
  });
});

describe('node src/main.ts with POS_LOG_FILE', () => {
  let capture: CaptureServer;
  beforeAll(async () => {
    capture = await startCaptureServer();
  });
  afterAll(async () => {
    await capture.close();
  });

  it('writes each record it exports as a line to the file as well', async () => {
    const path = join(dir, 'pos.log');
    const pos = startNode(['src/main.ts'], {
      POS_PORT: '0',
      POS_LOG_FILE: path,
      OTEL_EXPORTER_OTLP_ENDPOINT: capture.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    const exit = finished(pos);
    const [, url] = await waitForOutput(pos, /demo-pos listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const response = await fetch(`${url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ storeId: 'STORE_002', kioskId: 'KIOSK_001', items: [{ productId: '999', quantity: 1 }] }),
    });
    const { orderId } = (await response.json()) as { orderId: string };
    pos.kill('SIGTERM');
    expect((await exit).code).toBe(0);

    const line = lines(path)
      .map(parse)
      .find((candidate) => candidate.context['order.id'] === orderId);
    expect(line).toMatchObject({
      level: 'ERROR',
      context: { 'error.code': 'MISSING_PRICE', 'pos.store.id': 'STORE_002', 'pos.kiosk.id': 'KIOSK_001', 'product.id': '999' },
    });
    expect(Date.parse(line!.time)).not.toBeNaN();
    const exported = capture.records().find((record) => record.attributes['order.id'] === orderId);
    expect(exported?.body).toBe(line!.message);
  });
});
