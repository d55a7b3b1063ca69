import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeExportResponse, encodeStatus } from '../../../src/ingest/otlp/index.ts';
import { ExportLogsServiceResponseType, StatusType } from '../../../src/ingest/otlp/otlpProto.ts';

describe('encodeExportResponse', () => {
  it('leaves partialSuccess unset on full success, in protobuf', () => {
    const body = encodeExportResponse('protobuf');
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(body).toHaveLength(0);
    const decoded = ExportLogsServiceResponseType.toObject(ExportLogsServiceResponseType.decode(body));
    expect(decoded).toEqual({});
    expect(ProtobufLogsSerializer.deserializeResponse(body)).toEqual({});
  });

  it('leaves partialSuccess unset on full success, in JSON', () => {
    expect(encodeExportResponse('json')).toBe('{}');
    expect(encodeExportResponse('json', { rejectedLogRecords: 0, errorMessage: '' })).toBe('{}');
    expect(encodeExportResponse('protobuf', { rejectedLogRecords: 0, errorMessage: '' })).toHaveLength(0);
  });

  it("round-trips a partial success through our definitions and through the OTel JS exporter's reader", () => {
    const body = encodeExportResponse('protobuf', { rejectedLogRecords: 3, errorMessage: 'timestamps out of range' });
    const decoded = ExportLogsServiceResponseType.toObject(ExportLogsServiceResponseType.decode(body), { longs: String });
    expect(decoded).toEqual({ partialSuccess: { rejectedLogRecords: '3', errorMessage: 'timestamps out of range' } });
    expect(ProtobufLogsSerializer.deserializeResponse(body)).toEqual({
      partialSuccess: { rejectedLogRecords: 3, errorMessage: 'timestamps out of range' },
    });
  });

  it('writes a partial success in JSON with int64 as a string, as protobuf JSON does', () => {
    const body = encodeExportResponse('json', { rejectedLogRecords: 2, errorMessage: 'too late' });
    expect(JSON.parse(body)).toEqual({ partialSuccess: { rejectedLogRecords: '2', errorMessage: 'too late' } });
    expect(JsonLogsSerializer.deserializeResponse(new TextEncoder().encode(body))).toEqual({
      partialSuccess: { rejectedLogRecords: '2', errorMessage: 'too late' },
    });
  });

  it('sends a warning without a count as just the message', () => {
    expect(encodeExportResponse('json', { rejectedLogRecords: 0, errorMessage: 'heads up' })).toBe(
      '{"partialSuccess":{"errorMessage":"heads up"}}',
    );
    const decoded = ExportLogsServiceResponseType.decode(
      encodeExportResponse('protobuf', { rejectedLogRecords: 0, errorMessage: 'heads up' }),
    );
    expect(ExportLogsServiceResponseType.toObject(decoded)).toEqual({ partialSuccess: { errorMessage: 'heads up' } });
  });

  it('refuses a negative or fractional count', () => {
    expect(() => encodeExportResponse('json', { rejectedLogRecords: -1, errorMessage: 'x' })).toThrow(RangeError);
    expect(() => encodeExportResponse('protobuf', { rejectedLogRecords: 1.5, errorMessage: 'x' })).toThrow(RangeError);
  });
});

describe('encodeStatus', () => {
  it('round-trips a google.rpc.Status in protobuf', () => {
    const message = 'resourceLogs[0].scopeLogs[0].logRecords[0].traceId: expected 16 bytes, got 15';
    const body = encodeStatus('protobuf', 3, message);
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(StatusType.toObject(StatusType.decode(body))).toEqual({ code: 3, message });
    // Field 1 varint 3, then field 2 length-delimited: the bytes any google.rpc.Status reader expects.
    expect(body).toEqual(Buffer.concat([Buffer.from([0x08, 0x03, 0x12, message.length]), Buffer.from(message)]));
  });

  it('writes code and message in JSON', () => {
    expect(JSON.parse(encodeStatus('json', 8, 'queue full'))).toEqual({ code: 8, message: 'queue full' });
    expect(encodeStatus('json', 0, '')).toBe('{"code":0,"message":""}');
  });

  it('refuses a code that is not a 32-bit integer', () => {
    expect(() => encodeStatus('json', 2 ** 31, 'x')).toThrow(RangeError);
    expect(() => encodeStatus('protobuf', 1.5, 'x')).toThrow(RangeError);
  });
});
