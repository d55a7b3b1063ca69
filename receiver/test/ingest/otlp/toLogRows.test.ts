import { describe, expect, it } from 'vitest';
import { decodeJsonRequest, toLogRows } from '../../../src/ingest/otlp/index.ts';
import type { AnyValue, ExportRequest, Int64, KeyValue, LogRecord, ResourceLogs } from '../../../src/ingest/otlp/index.ts';

function u64(text: string): Int64 {
  const value = BigInt(text);
  return { low: Number(value & 0xffffffffn) | 0, high: Number(value >> 32n) | 0, unsigned: true };
}

const ZERO = u64('0');
const str = (stringValue: string): AnyValue => ({ stringValue });
const kv = (key: string, value: AnyValue | null): KeyValue => ({ key, value });

function record(fields: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: ZERO,
    observedTimeUnixNano: ZERO,
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: new Uint8Array(0),
    spanId: new Uint8Array(0),
    eventName: '',
    ...fields,
  };
}

function request(records: LogRecord[], resource: KeyValue[] = [kv('service.name', str('svc'))]): ExportRequest {
  return {
    resourceLogs: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [{ scope: null, schemaUrl: '', logRecords: records }],
      },
    ],
  };
}

describe('toLogRows timestamps', () => {
  it('uses the event time, or the observed time when the event time is 0', () => {
    const { rows } = toLogRows(
      request([
        record({ timeUnixNano: u64('1700000000000000001'), observedTimeUnixNano: u64('1700000000000000002') }),
        record({ timeUnixNano: ZERO, observedTimeUnixNano: u64('1700000000000000003') }),
        record(),
      ]),
    );
    expect(rows.map((row) => row.Timestamp)).toEqual(['1700000000000000001', '1700000000000000003', '0']);
  });

  it('keeps the last representable nanosecond of DateTime64(9)', () => {
    const { rows, rejected } = toLogRows(request([record({ timeUnixNano: u64('9223372036854775807') })]));
    expect(rejected).toBe(0);
    expect(rows[0]?.Timestamp).toBe('9223372036854775807');
  });

  it('rejects, one by one, records whose time is past the end of DateTime64(9), and says why', () => {
    const result = toLogRows(
      request([
        record({ timeUnixNano: u64('1'), body: str('kept') }),
        record({ timeUnixNano: u64('9223372036854775808') }),
        record({ timeUnixNano: ZERO, observedTimeUnixNano: u64('18446744073709551615') }),
        record({ timeUnixNano: u64('2'), body: str('kept too') }),
      ]),
    );
    expect(result.rows.map((row) => row.Body)).toEqual(['kept', 'kept too']);
    expect(result.rejected).toBe(2);
    expect(result.rejectionMessage).toBe(
      '2 log record(s) rejected: timestamp beyond 2262-04-11T23:47:16.854775807Z, the end of DateTime64(9) ' +
        '(first: resourceLogs[0].scopeLogs[0].logRecords[1] at 9223372036854775808 ns)',
    );
  });

  it('leaves rejectionMessage out when nothing is rejected', () => {
    expect(toLogRows(request([record()]))).not.toHaveProperty('rejectionMessage');
  });
});

describe('toLogRows trace context and severity', () => {
  it('renders ids as lowercase hex, and all-zero ids as empty', () => {
    const { rows } = toLogRows(
      request([
        record({ traceId: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i), spanId: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1]) }),
        record({ traceId: new Uint8Array(16), spanId: new Uint8Array(8) }),
      ]),
    );
    expect([rows[0]?.TraceId, rows[0]?.SpanId]).toEqual(['a0a1a2a3a4a5a6a7a8a9aaabacadaeaf', '0000000000000001']);
    expect([rows[1]?.TraceId, rows[1]?.SpanId]).toEqual(['', '']);
  });

  it("keeps the low byte of flags and severity, as the exporter's uint8 conversion does", () => {
    const { rows } = toLogRows(request([record({ flags: 0x101, severityNumber: 17 }), record({ flags: 0xffffffff, severityNumber: 300 })]));
    expect(rows.map((row) => [row.TraceFlags, row.SeverityNumber])).toEqual([
      [1, 17],
      [255, 44],
    ]);
  });
});

describe('toLogRows resource and scope columns', () => {
  it('takes ServiceName from the first service.name, rendered as text, while the map keeps the last', () => {
    const { rows } = toLogRows(
      request([record()], [kv('service.name', { intValue: u64('7') }), kv('host', str('h')), kv('service.name', str('second'))]),
    );
    expect(rows[0]?.ServiceName).toBe('7');
    expect(rows[0]?.ResourceAttributes).toEqual({ host: 'h', 'service.name': 'second' });
  });

  it('fills each row from its own resource and scope', () => {
    const resourceLogs = (service: string, scopes: string[]): ResourceLogs => ({
      resource: { attributes: [kv('service.name', str(service))], droppedAttributesCount: 0 },
      schemaUrl: `https://schema/${service}`,
      scopeLogs: scopes.map((name) => ({
        scope: { name, version: `${name}-v`, attributes: [kv('scope', str(name))], droppedAttributesCount: 0 },
        schemaUrl: `https://scope/${name}`,
        logRecords: [record({ body: str(`${service}/${name}`) })],
      })),
    });
    const { rows } = toLogRows({ resourceLogs: [resourceLogs('a', ['s1', 's2']), resourceLogs('b', ['s3'])] });
    expect(
      rows.map((row) => [
        row.Body,
        row.ServiceName,
        row.ResourceSchemaUrl,
        row.ScopeName,
        row.ScopeVersion,
        row.ScopeSchemaUrl,
        row.ScopeAttributes.scope,
      ]),
    ).toEqual([
      ['a/s1', 'a', 'https://schema/a', 's1', 's1-v', 'https://scope/s1', 's1'],
      ['a/s2', 'a', 'https://schema/a', 's2', 's2-v', 'https://scope/s2', 's2'],
      ['b/s3', 'b', 'https://schema/b', 's3', 's3-v', 'https://scope/s3', 's3'],
    ]);
  });

  it('shares one frozen resource attribute map between the rows of a resource', () => {
    const { rows } = toLogRows(request([record(), record()]));
    expect(rows[0]?.ResourceAttributes).toBe(rows[1]?.ResourceAttributes);
    expect(Object.isFrozen(rows[0]?.ResourceAttributes)).toBe(true);
    expect(Object.isFrozen(rows[0]?.LogAttributes)).toBe(false);
  });
});

describe('toLogRows log attributes', () => {
  it("renders each record's own values when records share a key layout", () => {
    const { rows } = toLogRows(
      request([
        record({ attributes: [kv('b', str('1')), kv('a', str('x'))] }),
        record({ attributes: [kv('b', str('2')), kv('a', str('y'))] }),
      ]),
    );
    expect(rows.map((row) => row.LogAttributes)).toEqual([
      { a: 'x', b: '1' },
      { a: 'y', b: '2' },
    ]);
    expect(rows[0]?.LogAttributes).not.toBe(rows[1]?.LogAttributes);
  });

  it('follows layouts that change from record to record', () => {
    const { rows } = toLogRows(
      request([
        record({ attributes: [kv('z', str('1')), kv('y', str('2'))] }),
        record({ attributes: [kv('z', str('3')), kv('x', str('4'))] }),
        record({ attributes: [kv('z', str('5'))] }),
        record({ attributes: [] }),
        record({ attributes: [kv('k', str('a')), kv('k', str('b')), kv('j', str('c'))] }),
        record({ attributes: [kv('z', str('6')), kv('y', str('7'))] }),
      ]),
    );
    expect(rows.map((row) => row.LogAttributes)).toEqual([
      { y: '2', z: '1' },
      { x: '4', z: '3' },
      { z: '5' },
      {},
      { j: 'c', k: 'b' },
      { y: '7', z: '6' },
    ]);
    expect(rows.map((row) => Object.keys(row.LogAttributes).join())).toEqual(['y,z', 'x,z', 'z', '', 'j,k', 'y,z']);
  });
});

describe('toLogRows on decoded JSON', () => {
  it('renders an event record with EventName and a map body', () => {
    const text = JSON.stringify({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1',
                  eventName: 'browser.page_view',
                  body: { kvlistValue: { values: [{ key: 'url', value: { stringValue: 'https://x/?a=1&b=<2>' } }] } },
                },
              ],
            },
          ],
        },
      ],
    });
    const [row] = toLogRows(decodeJsonRequest(text)).rows;
    expect(row?.EventName).toBe('browser.page_view');
    expect(row?.Body).toBe('{"url":"https://x/?a=1&b=<2>"}');
  });
});
