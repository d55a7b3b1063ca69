import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { describeWithCollector } from '../support/collectorBinary.ts';
import { collectorPorts, scratchDir, startTestCollector } from '../support/pipeline.ts';
import { freePort } from '@stacklens/test-support/network';
import { waitFor } from '../support/waitFor.ts';
import { placeOrder, queryStore, startPos, startReceiver } from '../support/services.ts';

const scratch = scratchDir('filelog');
const running: Array<{ stop(): Promise<void> }> = [];

afterAll(async () => {
  for (const process of running.reverse()) await process.stop();
  scratch.remove();
});

interface StoredRecord {
  Timestamp: string;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  LogAttributes: Record<string, string>;
}

describeWithCollector('the POS log file (POS_LOG_FILE) through the filelog receiver', () => {
  it('lands each line as a record with its timestamp, severity and attributes, and keeps a malformed line whole', async () => {
    const storeDir = `${scratch.dir}/store`;
    const logFile = `${scratch.dir}/pos.log`;
    const receiver = await startReceiver(storeDir, await freePort());
    running.push(receiver);
    const collector = await startTestCollector(await collectorPorts(), receiver.url, `${scratch.dir}/collector`, {
      env: { POS_LOG_FILE: logFile },
    });
    running.push(collector);
    // An app that can only write a log file: the POS with its OTLP export switched off.
    const pos = await startPos('http://127.0.0.1:9', { POS_LOG_FILE: logFile, OTEL_SDK_DISABLED: 'true' });
    running.push(pos);
    const failed = await placeOrder(pos.url, '999', 'STORE_003');
    const sold = await placeOrder(pos.url, '101', 'STORE_003');
    await pos.stop();
    const malformed = 'this line was written by hand and follows no format {"error.code":';
    appendFileSync(logFile, `${malformed}\n`);
    const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');

    await waitFor(`${lines.length} records`, async () => ((await receiver.rowsWritten()) >= lines.length ? true : undefined));
    await collector.stop();
    await receiver.stop();

    const rows = await queryStore<StoredRecord>(
      storeDir,
      `SELECT toString(Timestamp) AS Timestamp, SeverityText, SeverityNumber, ServiceName, Body, LogAttributes FROM {table}`,
    );
    expect(rows).toHaveLength(lines.length);
    const record = (orderId: string) => rows.find((row) => row.LogAttributes['order.id'] === orderId);
    const failedLine = lines.find((line) => line.includes(failed.orderId))!.split('\t');

    expect(record(failed.orderId)).toMatchObject({
      SeverityText: 'ERROR',
      SeverityNumber: 17,
      ServiceName: 'demo-pos',
      Body: failedLine[2],
      LogAttributes: {
        'error.code': 'MISSING_PRICE',
        'pos.store.id': 'STORE_003',
        'pos.kiosk.id': 'KIOSK_001',
        'product.id': '999',
        'http.response.status_code': '422',
        'log.file.name': 'pos.log',
      },
    });
    // The line's own time, not the moment the Collector read it.
    expect(Date.parse(`${record(failed.orderId)!.Timestamp.replace(' ', 'T')}Z`)).toBe(Date.parse(failedLine[0]!));
    for (const parsedField of ['time', 'level', 'message', 'context', 'pos_context']) {
      expect(record(failed.orderId)!.LogAttributes).not.toHaveProperty([parsedField]);
    }
    expect(record(sold.orderId)).toMatchObject({ SeverityText: 'INFO', SeverityNumber: 9, LogAttributes: { 'order.total_cents': '899' } });

    expect(rows.find((row) => row.Body === malformed)).toMatchObject({
      SeverityNumber: 0,
      ServiceName: 'demo-pos',
      LogAttributes: { 'log.file.name': 'pos.log' },
    });
  });
});
