// The contrib clickhouseexporter as a test oracle for StackLens' receiver.
//
// This file is ours; it is not built here. collector/src/exporterOracle.ts
// copies the exporter module (github.com/open-telemetry/opentelemetry-collector-contrib/exporter/clickhouseexporter,
// the version pinned there) from the Go module cache into a temporary folder,
// puts this file into its package and runs it with `go test`, so the
// exporter's own, unexported code builds the rows and the DDL:
//
//   - every `*.pb` file of $STACKLENS_ORACLE_CORPUS (an OTLP
//     ExportLogsServiceRequest in protobuf) is decoded by pdata's plogotlp, as
//     the Collector's OTLP receiver decodes it, and fed to pushLogsData with a
//     driver.Conn that records every Append instead of sending it;
//   - renderCreateLogsTableSQL gives the table in both index variants.
//
// The result goes to $STACKLENS_ORACLE_OUT as JSON. Strings are written as hex
// of their bytes, so invalid UTF-8 reaches the comparison as the driver would
// send it to ClickHouse.
package clickhouseexporter

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.uber.org/zap"
)

// recordingConn is a driver.Conn whose batches record their rows; every other
// method is the embedded nil interface's (pushLogsData calls none of them).
type recordingConn struct {
	driver.Conn
	rows *[][]any
}

func (c recordingConn) PrepareBatch(_ context.Context, _ string, _ ...driver.PrepareBatchOption) (driver.Batch, error) {
	return &recordingBatch{rows: c.rows}, nil
}

type recordingBatch struct {
	driver.Batch
	rows *[][]any
}

func (b *recordingBatch) Append(values ...any) error {
	*b.rows = append(*b.rows, append([]any(nil), values...))
	return nil
}

func (b *recordingBatch) Send() error  { return nil }
func (b *recordingBatch) Close() error { return nil }

type oracleOutput struct {
	Columns []string                     `json:"columns"`
	Files   map[string][]json.RawMessage `json:"files"`
	DDL     map[string]string            `json:"ddl"`
}

// The insert's column order (internal/sqltemplates/logs_insert.sql with the EventName feature).
var oracleColumns = []string{
	"Timestamp", "TraceId", "SpanId", "TraceFlags", "SeverityText", "SeverityNumber", "ServiceName", "Body",
	"ResourceSchemaUrl", "ResourceAttributes", "ScopeSchemaUrl", "ScopeName", "ScopeVersion", "ScopeAttributes",
	"LogAttributes", "EventName",
}

func TestStackLensOracle(t *testing.T) {
	corpus := os.Getenv("STACKLENS_ORACLE_CORPUS")
	out := os.Getenv("STACKLENS_ORACLE_OUT")
	if corpus == "" || out == "" {
		t.Skip("STACKLENS_ORACLE_CORPUS and STACKLENS_ORACLE_OUT are not set")
	}
	cfg := createDefaultConfig().(*Config)
	cfg.Database = "oracle"
	cfg.TTL = 30 * 24 * time.Hour
	output := oracleOutput{Columns: oracleColumns, Files: map[string][]json.RawMessage{}, DDL: map[string]string{}}
	for name, text := range map[string]bool{"text": true, "bloom": false} {
		ddl, err := renderCreateLogsTableSQL(cfg, text)
		if err != nil {
			t.Fatal(err)
		}
		output.DDL[name] = ddl
	}

	paths, err := filepath.Glob(filepath.Join(corpus, "*.pb"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	for _, path := range paths {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		request := plogotlp.NewExportRequest()
		if err := request.UnmarshalProto(body); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var rows [][]any
		exporter := newLogsExporter(zap.NewNop(), cfg)
		exporter.db = recordingConn{rows: &rows}
		exporter.schemaFeatures.EventName = true
		if err := exporter.pushLogsData(context.Background(), request.Logs()); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rendered := make([]json.RawMessage, 0, len(rows))
		for _, row := range rows {
			line, err := renderRow(row)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			rendered = append(rendered, line)
		}
		output.Files[strings.TrimSuffix(filepath.Base(path), ".pb")] = rendered
	}
	encoded, err := json.Marshal(output)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, encoded, 0o600); err != nil {
		t.Fatal(err)
	}
}

// renderRow writes one appended row: times as nanoseconds since the epoch (a
// decimal string), strings as hex, maps as [key, value] pairs of hex in the
// order the driver sends them, integers as numbers.
func renderRow(values []any) (json.RawMessage, error) {
	if len(values) != len(oracleColumns) {
		return nil, fmt.Errorf("%d values appended, %d columns expected", len(values), len(oracleColumns))
	}
	rendered := make([]any, len(values))
	for i, value := range values {
		switch v := value.(type) {
		case time.Time:
			rendered[i] = fmt.Sprint(v.UnixNano())
		case string:
			rendered[i] = hex.EncodeToString([]byte(v))
		case uint8:
			rendered[i] = v
		case column.IterableOrderedMap:
			pairs := [][2]string{}
			for iterator := v.Iterator(); iterator.Next(); {
				key, keyOk := iterator.Key().(string)
				entry, entryOk := iterator.Value().(string)
				if !keyOk || !entryOk {
					return nil, fmt.Errorf("column %s: map entry of %T, %T", oracleColumns[i], iterator.Key(), iterator.Value())
				}
				pairs = append(pairs, [2]string{hex.EncodeToString([]byte(key)), hex.EncodeToString([]byte(entry))})
			}
			rendered[i] = pairs
		default:
			return nil, fmt.Errorf("column %s: unexpected %T", oracleColumns[i], value)
		}
	}
	return json.Marshal(rendered)
}
