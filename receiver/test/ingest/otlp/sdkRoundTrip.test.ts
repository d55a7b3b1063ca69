import { SeverityNumber, TraceFlags } from '@opentelemetry/api';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { decodeJsonRequest, decodeProtobufRequest, toLogRows } from '../../../src/ingest/otlp/index.ts';
import type { LogRow } from '../../../src/store/LogRow.ts';
import { DEMO_RESOURCE, SAMPLED_SPAN, emitWithSdk, posFailure } from './support/sdkLogs.ts';

/*
 * The bytes a real client sends: records made by the OTel JS SDK, serialized by the same
 * otlp-transformer serializers its OTLP/HTTP exporters use, in both encodings.
 */

function protobufRows(records: ReadableLogRecord[]): LogRow[] {
  const bytes = ProtobufLogsSerializer.serializeRequest(records);
  if (!bytes) throw new Error('the SDK serializer produced nothing');
  const result = toLogRows(decodeProtobufRequest(bytes));
  expect(result.rejected).toBe(0);
  return result.rows;
}

function jsonRows(records: ReadableLogRecord[]): LogRow[] {
  const bytes = JsonLogsSerializer.serializeRequest(records);
  if (!bytes) throw new Error('the SDK serializer produced nothing');
  const result = toLogRows(decodeJsonRequest(new TextDecoder().decode(bytes)));
  expect(result.rejected).toBe(0);
  return result.rows;
}

/*
 * 2^60 as an int attribute: protobuf carries its exact varint; the SDK's JSON writes it with
 * JSON.stringify, i.e. the digits "1152921504606847000". The decoder keeps exactly what was
 * sent either way (a double round trip would turn the JSON digits back into ...976).
 */
const encodings = [
  ['protobuf', protobufRows, '1152921504606846976'],
  ['json', jsonRows, '1152921504606847000'],
] as const;

describe.each(encodings)('a POS failure logged by the OTel JS SDK, sent as %s', (_name, rowsOf, twoToThe60) => {
  it('renders every otel_logs column as the clickhouseexporter does', async () => {
    const error = new Error('Product 999 has no price');
    error.name = 'MissingPriceError';
    error.stack = 'MissingPriceError: Product 999 has no price\n    at priceOf (catalogue.ts:42:11)';
    const records = await emitWithSdk(
      [
        {
          body: 'Checkout failed: product 999 has no price',
          severityNumber: SeverityNumber.ERROR,
          severityText: 'ERROR',
          exception: error,
          eventName: 'pos.checkout.failed',
          attributes: {
            'error.code': 'MISSING_PRICE',
            'pos.store.id': 'STORE_001',
            'pos.kiosk.id': 'KIOSK_3',
            'order.id': 'ord-100042',
            'product.id': 999,
            'cart.total': 12.5,
            'payment.retry': false,
            'cart.items': ['999', '12'],
          },
          timestamp: [1_760_000_000, 123_456_789],
          observedTimestamp: [1_760_000_001, 987_654_321],
          spanContext: SAMPLED_SPAN,
        },
      ],
      {
        resourceSchemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
        scopeSchemaUrl: 'https://opentelemetry.io/schemas/1.36.0',
        scopeAttributes: { 'scope.team': 'payments' },
      },
    );

    const [row] = rowsOf(records);

    expect(row).toEqual({
      Timestamp: '1760000000123456789',
      TraceId: '5b8efff798038103d269b633813fc60c',
      SpanId: 'eee19b7ec3c1b174',
      TraceFlags: 1,
      SeverityText: 'ERROR',
      SeverityNumber: 17,
      ServiceName: 'demo-pos',
      Body: 'Checkout failed: product 999 has no price',
      ResourceSchemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
      ResourceAttributes: {
        'deployment.environment.name': 'production',
        'host.name': 'kiosk-host-7',
        'process.pid': '4242',
        'service.name': 'demo-pos',
        'service.version': '1.4.2',
      },
      ScopeSchemaUrl: 'https://opentelemetry.io/schemas/1.36.0',
      ScopeName: 'pos-checkout',
      ScopeVersion: '2.0.1',
      ScopeAttributes: { 'scope.team': 'payments' },
      LogAttributes: {
        'cart.items': '["999","12"]',
        'cart.total': '12.5',
        'error.code': 'MISSING_PRICE',
        'exception.message': 'Product 999 has no price',
        'exception.stacktrace': 'MissingPriceError: Product 999 has no price\n    at priceOf (catalogue.ts:42:11)',
        'exception.type': 'MissingPriceError',
        'order.id': 'ord-100042',
        'payment.retry': 'false',
        'pos.kiosk.id': 'KIOSK_3',
        'pos.store.id': 'STORE_001',
        'product.id': '999',
      },
      EventName: 'pos.checkout.failed',
    });
    // The exporter's ordered map sorts keys; the row lists them the same way.
    expect(Object.keys(row?.LogAttributes ?? {})).toEqual(Object.keys(row?.LogAttributes ?? {}).sort());
  });

  it('keeps nanosecond timestamps exact and falls back to the observed time when there is no event time', async () => {
    const records = await emitWithSdk([
      { body: 'late', timestamp: [1_999_999_999, 999_999_999], observedTimestamp: [2_000_000_000, 1] },
      { body: 'early', timestamp: [0, 1], observedTimestamp: [5, 0] },
    ]);
    const rows = rowsOf(records);
    expect(rows.map((row) => row.Timestamp)).toEqual(['1999999999999999999', '1']);
  });

  it('leaves trace columns empty without an active span, and masks trace flags to their low byte', async () => {
    const records = await emitWithSdk([
      { body: 'no span', severityNumber: SeverityNumber.WARN, severityText: 'WARN' },
      { body: 'unsampled', spanContext: { ...SAMPLED_SPAN, traceFlags: TraceFlags.NONE } },
    ]);
    const [noSpan, unsampled] = rowsOf(records);
    expect([noSpan?.TraceId, noSpan?.SpanId, noSpan?.TraceFlags, noSpan?.SeverityNumber]).toEqual(['', '', 0, 13]);
    expect([unsampled?.TraceId, unsampled?.TraceFlags]).toEqual([SAMPLED_SPAN.traceId, 0]);
  });

  it('renders structured bodies and attribute values like pdata AsString', async () => {
    const records = await emitWithSdk([
      {
        body: { 'z<key>': 'a & b', nested: { list: [1, 2.5, true, 'x', null] }, blob: new Uint8Array([0, 255, 16]) },
        attributes: { bytes: new Uint8Array([104, 105]), empty: '', huge: 2 ** 60, small: 1e-7, negative: -3 },
      },
    ]);
    const [row] = rowsOf(records);
    expect(row?.Body).toBe('{"blob":"AP8Q","nested":{"list":[1,2.5,true,"x",null]},"z<key>":"a & b"}');
    expect(row?.LogAttributes).toEqual({
      bytes: 'aGk=',
      empty: '',
      huge: twoToThe60,
      negative: '-3',
      small: '1e-7',
    });
  });

  it('names the service from the resource, or leaves it empty', async () => {
    const records = await emitWithSdk([{ body: 'x' }], { resource: { 'host.name': 'h' } });
    const [row] = rowsOf(records);
    expect(row?.ServiceName).toBe('');
    expect(row?.ResourceAttributes).toEqual({ 'host.name': 'h' });
  });
});

describe('both encodings of the same SDK batch', () => {
  it('decode to identical rows, record for record', async () => {
    const records = await emitWithSdk(Array.from({ length: 200 }, (_, i) => posFailure(i)));
    const fromProtobuf = protobufRows(records);
    const fromJson = jsonRows(records);
    expect(fromProtobuf).toHaveLength(200);
    expect(fromJson).toEqual(fromProtobuf);
    expect(fromProtobuf[137]).toMatchObject({
      Timestamp: '1760000137123456789',
      TraceId: '0000008998038103d269b633813fc60c',
      ServiceName: 'demo-pos',
      LogAttributes: expect.objectContaining({ 'pos.store.id': 'STORE_004', 'product.id': '937', 'cart.total': '149.5' }),
    });
    expect(fromProtobuf[137]?.ResourceAttributes).toEqual(
      Object.fromEntries(Object.entries(DEMO_RESOURCE).map(([key, value]) => [key, String(value)])),
    );
  });
});
