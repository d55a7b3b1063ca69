import { describe, expect, it } from 'vitest';
import { decodeJsonRequest, toLogRows } from '../../../src/ingest/otlp/index.ts';
import type { LogRow } from '../../../src/store/LogRow.ts';

/*
 * Hand-written OTLP/HTTP JSON, following the spec's mapping rules and its examples/logs.json.
 * The null members, last-member-wins, bare 64-bit numbers, enum names and uppercase ids agree
 * with pdata v1.71.0's JSON decoder (checked with a Go program); base64 is the one place we
 * accept more (URL-safe and unpadded, which protobuf's JSON mapping allows and pdata refuses).
 */

function requestWith(record: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeLogs: [{ scope: { name: 'lib', version: '1.0.0' }, logRecords: [record] }],
        ...extra,
      },
    ],
  });
}

function onlyRow(text: string): LogRow {
  const { rows, rejected } = toLogRows(decodeJsonRequest(text));
  expect(rejected).toBe(0);
  expect(rows).toHaveLength(1);
  const [row] = rows;
  if (!row) throw new Error('no row');
  return row;
}

describe('decodeJsonRequest on the spec example', () => {
  it('decodes the example log record (uppercase hex ids, int64 as string, enum as number)', () => {
    const text = `{
      "resourceLogs": [{
        "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "my.service" } }] },
        "scopeLogs": [{
          "scope": { "name": "my.library", "version": "1.0.0",
                     "attributes": [{ "key": "my.scope.attribute", "value": { "stringValue": "some scope attribute" } }] },
          "logRecords": [{
            "timeUnixNano": "1544712660300000000",
            "observedTimeUnixNano": "1544712660300000000",
            "severityNumber": 10,
            "severityText": "Information",
            "traceId": "5B8EFFF798038103D269B633813FC60C",
            "spanId": "EEE19B7EC3C1B174",
            "body": { "stringValue": "Example log record" },
            "attributes": [
              { "key": "string.attribute", "value": { "stringValue": "some string" } },
              { "key": "boolean.attribute", "value": { "boolValue": true } },
              { "key": "int.attribute", "value": { "intValue": "10" } },
              { "key": "double.attribute", "value": { "doubleValue": 637.704 } },
              { "key": "array.attribute", "value": { "arrayValue": { "values": [
                { "stringValue": "many" }, { "stringValue": "values" } ] } } },
              { "key": "map.attribute", "value": { "kvlistValue": { "values": [
                { "key": "some.map.key", "value": { "stringValue": "some value" } } ] } } }
            ]
          }]
        }]
      }]
    }`;
    expect(onlyRow(text)).toEqual({
      Timestamp: '1544712660300000000',
      TraceId: '5b8efff798038103d269b633813fc60c',
      SpanId: 'eee19b7ec3c1b174',
      TraceFlags: 0,
      SeverityText: 'Information',
      SeverityNumber: 10,
      ServiceName: 'my.service',
      Body: 'Example log record',
      ResourceSchemaUrl: '',
      ResourceAttributes: { 'service.name': 'my.service' },
      ScopeSchemaUrl: '',
      ScopeName: 'my.library',
      ScopeVersion: '1.0.0',
      ScopeAttributes: { 'my.scope.attribute': 'some scope attribute' },
      LogAttributes: {
        'array.attribute': '["many","values"]',
        'boolean.attribute': 'true',
        'double.attribute': '637.704',
        'int.attribute': '10',
        'map.attribute': '{"some.map.key":"some value"}',
        'string.attribute': 'some string',
      },
      EventName: '',
    });
  });
});

describe('decodeJsonRequest on the JSON mapping quirks', () => {
  it('keeps every digit of 64-bit integers sent as bare JSON numbers beyond 2^53', () => {
    // Bare numbers in the text: JSON.parse alone would round every one of them.
    const text = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{
      "timeUnixNano": 1544712660300000123,
      "attributes": [
        { "key": "max", "value": { "intValue": 9223372036854775807 } },
        { "key": "min", "value": { "intValue": -9223372036854775808 } },
        { "key": "odd", "value": { "intValue": 9007199254740993 } }
      ]}]}]}]}`;
    const row = onlyRow(text);
    expect(row.Timestamp).toBe('1544712660300000123');
    expect(row.LogAttributes).toEqual({
      max: '9223372036854775807',
      min: '-9223372036854775808',
      odd: '9007199254740993',
    });
  });

  it('accepts 64-bit integers as strings and as safe numbers', () => {
    const row = onlyRow(
      requestWith({
        timeUnixNano: '18446744073709551',
        observedTimeUnixNano: 5,
        attributes: [
          { key: 'text', value: { intValue: '-42' } },
          { key: 'number', value: { intValue: 42 } },
        ],
      }),
    );
    expect(row.Timestamp).toBe('18446744073709551');
    expect(row.LogAttributes).toEqual({ number: '42', text: '-42' });
  });

  it('accepts the original proto field names as well as lowerCamelCase', () => {
    const text = JSON.stringify({
      resource_logs: [
        {
          schema_url: 'https://example.com/resource',
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'snake' } }], dropped_attributes_count: 1 },
          scope_logs: [
            {
              schema_url: 'https://example.com/scope',
              scope: { name: 'lib', version: '2', dropped_attributes_count: 0 },
              log_records: [
                {
                  time_unix_nano: '1',
                  observed_time_unix_nano: '2',
                  severity_number: 17,
                  severity_text: 'ERROR',
                  trace_id: '5b8efff798038103d269b633813fc60c',
                  span_id: 'eee19b7ec3c1b174',
                  event_name: 'evt',
                  dropped_attributes_count: 3,
                  flags: 257,
                  body: { kvlist_value: { values: [{ key: 'k', value: { bool_value: false } }] } },
                  attributes: [
                    { key: 'i', value: { int_value: '7' } },
                    { key: 'd', value: { double_value: 0.5 } },
                    { key: 'b', value: { bytes_value: 'aGk=' } },
                    { key: 'a', value: { array_value: { values: [{ string_value: 'x' }] } } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    expect(onlyRow(text)).toMatchObject({
      Timestamp: '1',
      TraceId: '5b8efff798038103d269b633813fc60c',
      SpanId: 'eee19b7ec3c1b174',
      TraceFlags: 1,
      SeverityNumber: 17,
      SeverityText: 'ERROR',
      ServiceName: 'snake',
      Body: '{"k":false}',
      ResourceSchemaUrl: 'https://example.com/resource',
      ScopeSchemaUrl: 'https://example.com/scope',
      EventName: 'evt',
      LogAttributes: { a: '["x"]', b: 'aGk=', d: '0.5', i: '7' },
    });
  });

  it('accepts severity as a number or as its enum name', () => {
    expect(onlyRow(requestWith({ severityNumber: 21 })).SeverityNumber).toBe(21);
    expect(onlyRow(requestWith({ severityNumber: 'SEVERITY_NUMBER_WARN2' })).SeverityNumber).toBe(14);
  });

  it('ignores unknown fields at every level, whatever their type', () => {
    const text = JSON.stringify({
      resourceLogs: [
        {
          futureField: { deep: [1, 2, { x: null }] },
          resource: { attributes: [], entityRefs: [{ type: 'service' }], unknown: 'x' },
          scopeLogs: [
            {
              scope: { name: 'lib', extra: 12 },
              logRecords: [
                {
                  body: { stringValue: 'kept', futureMember: true },
                  attributes: [{ key: 'a', value: { stringValue: 'b' }, keyStrindex: 0, extra: [] }],
                  somethingNew: 'ignored',
                },
              ],
              extra: null,
            },
          ],
        },
      ],
      topLevelExtra: 1,
    });
    const row = onlyRow(text);
    expect(row.Body).toBe('kept');
    expect(row.LogAttributes).toEqual({ a: 'b' });
  });

  it('treats null and empty strings as absent values', () => {
    const row = onlyRow(
      requestWith({
        timeUnixNano: null,
        observedTimeUnixNano: '7',
        traceId: '',
        spanId: null,
        severityText: null,
        body: null,
        attributes: [
          { key: 'nothing', value: null },
          { key: 'empty', value: {} },
        ],
      }),
    );
    expect(row).toMatchObject({ Timestamp: '7', TraceId: '', SpanId: '', SeverityText: '', Body: '' });
    expect(row.LogAttributes).toEqual({ empty: '', nothing: '' });
  });

  it('reads a null array or map member as an empty one, as the Collector does', () => {
    const row = onlyRow(
      requestWith({
        attributes: [
          { key: 'array', value: { arrayValue: null } },
          { key: 'map', value: { kvlistValue: {} } },
          { key: 'text', value: { stringValue: null } },
        ],
      }),
    );
    expect(row.LogAttributes).toEqual({ array: '[]', map: '{}', text: '' });
  });

  it('reads a profiles string-table index as an empty value, as the Collector does', () => {
    expect(onlyRow(requestWith({ body: { stringValueStrindex: 4 } })).Body).toBe('');
    expect(onlyRow(requestWith({ body: { stringValue: 'x', string_value_strindex: 4 } })).Body).toBe('');
  });

  it('lets the last oneof member in the document win', () => {
    const row = onlyRow(requestWith({ body: { stringValue: 'first', intValue: '2' } }));
    expect(row.Body).toBe('2');
  });

  it('reads bytes in standard or URL-safe base64, padded or not', () => {
    const row = onlyRow(
      requestWith({
        attributes: [
          { key: 'std', value: { bytesValue: '+/+/' } },
          { key: 'url', value: { bytesValue: '-_-_' } },
          { key: 'unpadded', value: { bytesValue: 'aGk' } },
        ],
      }),
    );
    // Rendered back as standard, padded base64, as Go's base64.StdEncoding does.
    expect(row.LogAttributes).toEqual({ std: '+/+/', unpadded: 'aGk=', url: '+/+/' });
  });

  it('reads doubles given as numbers, numeric strings and the special names', () => {
    const row = onlyRow(
      requestWith({
        attributes: [
          { key: 'nan', value: { doubleValue: 'NaN' } },
          { key: 'inf', value: { doubleValue: 'Infinity' } },
          { key: 'ninf', value: { doubleValue: '-Infinity' } },
          { key: 'text', value: { doubleValue: '2.5e-3' } },
          { key: 'big', value: { doubleValue: 1.2345678901234567e19 } },
        ],
      }),
    );
    expect(row.LogAttributes).toEqual({
      big: '12345678901234567000',
      inf: 'Infinity',
      nan: 'NaN',
      ninf: '-Infinity',
      text: '0.0025',
    });
  });

  it('replaces lone surrogates, which no Go string can hold, by U+FFFD', () => {
    const row = onlyRow('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a\\ud800b"}}]}]}]}');
    expect(row.Body).toBe('a\ufffdb');
  });

  it('decodes an empty request, and a request of only nulls, to no rows', () => {
    expect(toLogRows(decodeJsonRequest('{}')).rows).toEqual([]);
    expect(toLogRows(decodeJsonRequest('{"resourceLogs":null}')).rows).toEqual([]);
    expect(toLogRows(decodeJsonRequest('{"resourceLogs":[{"scopeLogs":[{"logRecords":[]}]}]}')).rows).toEqual([]);
  });

  it('renders a record with no resource and no scope with empty columns', () => {
    const row = onlyRow('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"bare"}}]}]}]}');
    expect(row).toMatchObject({
      ServiceName: '',
      ResourceAttributes: {},
      ScopeName: '',
      ScopeVersion: '',
      ScopeAttributes: {},
      Body: 'bare',
    });
  });
});
