import protobuf from 'protobufjs';

/*
 * The OTLP logs messages, written from opentelemetry-proto (common/v1, resource/v1, logs/v1,
 * collector/logs/v1) and google.rpc.Status, with the same field numbers and types.
 *
 * Why Edition 2023 rather than `syntax = "proto3"`: protobufjs verifies UTF-8 in proto3 strings
 * and throws on invalid bytes, so one bad byte would turn a whole batch into a 400 — which the
 * Collector treats as permanent and drops. The Collector's own decoder (pdata) does not verify
 * UTF-8. Edition 2023 with `field_presence = IMPLICIT` has exactly proto3's semantics (and the
 * same wire format); `utf8_validation = NONE` decodes bad bytes to U+FFFD instead of throwing.
 *
 * The text lives in a module (not a .proto file) so loading needs no file-system paths.
 */

const EDITION_HEADER = `
edition = "2023";
option features.field_presence = IMPLICIT;
option features.utf8_validation = NONE;
`;

const COMMON_PROTO = `${EDITION_HEADER}
package opentelemetry.proto.common.v1;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
    int32 string_value_strindex = 8;
  }
}

message ArrayValue {
  repeated AnyValue values = 1;
}

message KeyValueList {
  repeated KeyValue values = 1;
}

message KeyValue {
  string key = 1;
  AnyValue value = 2;
  int32 key_strindex = 3;
}

message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}

message EntityRef {
  string schema_url = 1;
  string type = 2;
  repeated string id_keys = 3;
  repeated string description_keys = 4;
}
`;

const RESOURCE_PROTO = `${EDITION_HEADER}
package opentelemetry.proto.resource.v1;

message Resource {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
  repeated opentelemetry.proto.common.v1.EntityRef entity_refs = 3;
}
`;

const LOGS_PROTO = `${EDITION_HEADER}
package opentelemetry.proto.logs.v1;

message LogsData {
  repeated ResourceLogs resource_logs = 1;
}

message ResourceLogs {
  reserved 1000;
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
  string schema_url = 3;
}

message ScopeLogs {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated LogRecord log_records = 2;
  string schema_url = 3;
}

enum SeverityNumber {
  SEVERITY_NUMBER_UNSPECIFIED = 0;
  SEVERITY_NUMBER_TRACE = 1;
  SEVERITY_NUMBER_TRACE2 = 2;
  SEVERITY_NUMBER_TRACE3 = 3;
  SEVERITY_NUMBER_TRACE4 = 4;
  SEVERITY_NUMBER_DEBUG = 5;
  SEVERITY_NUMBER_DEBUG2 = 6;
  SEVERITY_NUMBER_DEBUG3 = 7;
  SEVERITY_NUMBER_DEBUG4 = 8;
  SEVERITY_NUMBER_INFO = 9;
  SEVERITY_NUMBER_INFO2 = 10;
  SEVERITY_NUMBER_INFO3 = 11;
  SEVERITY_NUMBER_INFO4 = 12;
  SEVERITY_NUMBER_WARN = 13;
  SEVERITY_NUMBER_WARN2 = 14;
  SEVERITY_NUMBER_WARN3 = 15;
  SEVERITY_NUMBER_WARN4 = 16;
  SEVERITY_NUMBER_ERROR = 17;
  SEVERITY_NUMBER_ERROR2 = 18;
  SEVERITY_NUMBER_ERROR3 = 19;
  SEVERITY_NUMBER_ERROR4 = 20;
  SEVERITY_NUMBER_FATAL = 21;
  SEVERITY_NUMBER_FATAL2 = 22;
  SEVERITY_NUMBER_FATAL3 = 23;
  SEVERITY_NUMBER_FATAL4 = 24;
}

enum LogRecordFlags {
  LOG_RECORD_FLAGS_DO_NOT_USE = 0;
  LOG_RECORD_FLAGS_TRACE_FLAGS_MASK = 0x000000FF;
}

message LogRecord {
  reserved 4;
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  SeverityNumber severity_number = 2;
  string severity_text = 3;
  opentelemetry.proto.common.v1.AnyValue body = 5;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
`;

const LOGS_SERVICE_PROTO = `${EDITION_HEADER}
package opentelemetry.proto.collector.logs.v1;

message ExportLogsServiceRequest {
  repeated opentelemetry.proto.logs.v1.ResourceLogs resource_logs = 1;
}

message ExportLogsServiceResponse {
  ExportLogsPartialSuccess partial_success = 1;
}

message ExportLogsPartialSuccess {
  int64 rejected_log_records = 1;
  string error_message = 2;
}
`;

const ANY_PROTO = `${EDITION_HEADER}
package google.protobuf;

message Any {
  string type_url = 1;
  bytes value = 2;
}
`;

const STATUS_PROTO = `${EDITION_HEADER}
package google.rpc;

message Status {
  int32 code = 1;
  string message = 2;
  repeated google.protobuf.Any details = 3;
}
`;

function buildRoot(): protobuf.Root {
  // Without the `long` package protobufjs decodes 64-bit fields to lossy doubles; nanosecond
  // timestamps need all 64 bits, so refuse to run rather than store wrong times.
  if (!protobuf.util.Long) {
    throw new Error('protobufjs has no 64-bit integer support (the "long" package is missing)');
  }
  const root = new protobuf.Root();
  for (const source of [COMMON_PROTO, RESOURCE_PROTO, LOGS_PROTO, LOGS_SERVICE_PROTO, ANY_PROTO, STATUS_PROTO]) {
    protobuf.parse(source, root, { keepCase: false });
  }
  root.resolveAll();
  root.lookupType('opentelemetry.proto.common.v1.AnyValue').ctor = AnyValueMessage;
  return root;
}

/**
 * The decoded AnyValue. protobufjs marks the set oneof member by assigning its name to the
 * oneof's virtual property (`value`), whose prototype setter deletes all seven other members —
 * for every value decoded, which took ~40% of decode time. This own field takes the
 * assignment instead (class fields are defined, not assigned, so the setter never runs).
 * It still names the last member read from the wire, the one that counts; readers go by it
 * (see anyValueKind), so members left behind by a repeated oneof are ignored.
 */
class AnyValueMessage extends protobuf.Message {
  value: string | undefined = undefined;
}

/** All OTLP logs and google.rpc types, resolved; field names in lowerCamelCase. */
export const otlpRoot: protobuf.Root = buildRoot();

export const ExportLogsServiceRequestType: protobuf.Type = otlpRoot.lookupType(
  'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
);
export const ExportLogsServiceResponseType: protobuf.Type = otlpRoot.lookupType(
  'opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse',
);
export const StatusType: protobuf.Type = otlpRoot.lookupType('google.rpc.Status');
export const SeverityNumberEnum: protobuf.Enum = otlpRoot.lookupEnum('opentelemetry.proto.logs.v1.SeverityNumber');
