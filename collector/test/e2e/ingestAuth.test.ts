import { afterAll, expect, it } from 'vitest';
import { repoPath } from '../support/configFiles.ts';
import { describeWithCollector } from '../support/collectorBinary.ts';
import { collectorPorts, scratchDir, startTestCollector } from '../support/pipeline.ts';
import { freePort } from '@stacklens/test-support/network';
import { waitFor } from '../support/waitFor.ts';
import { startReceiver } from '../support/services.ts';

const scratch = scratchDir('ingest-auth');
const running: Array<{ stop(): Promise<void> }> = [];
const TOKEN = 'collector-ingest-token-0123456789';

afterAll(async () => {
  for (const process of running.reverse()) await process.stop();
  scratch.remove();
});

function logsRequest(body: string): string {
  return JSON.stringify({
    resourceLogs: [
      { resource: {}, scopeLogs: [{ scope: {}, logRecords: [{ timeUnixNano: `${Date.now()}000000`, body: { stringValue: body } }] }] },
    ],
  });
}

describeWithCollector('the Collector with otel-collector-ingest-auth.yaml', () => {
  it('takes OTLP only with the ingest token, and passes it on to the receiver that wants the same one', async () => {
    const receiver = await startReceiver(`${scratch.dir}/store`, await freePort(), { STACKLENS_INGEST_TOKEN: TOKEN });
    running.push(receiver);
    const ports = await collectorPorts();
    const collector = await startTestCollector(ports, receiver.url, `${scratch.dir}/collector`, {
      overrides: [repoPath('otel-collector-ingest-auth.yaml')],
      env: { STACKLENS_INGEST_TOKEN: TOKEN },
    });
    running.push(collector);
    const send = (authorization: string | undefined, body: string) =>
      fetch(`http://127.0.0.1:${ports.otlpHttp}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: logsRequest(body),
      });
    expect((await send(undefined, 'no token')).status).toBe(401);
    expect((await send('Bearer not-the-ingest-token-000000', 'wrong token')).status).toBe(401);
    expect((await send(`Bearer ${TOKEN}`, 'with the token')).status).toBe(200);
    // Only the authenticated record reaches the receiver (which checks the same token).
    await waitFor('the record in the receiver', async () => ((await receiver.rowsWritten()) >= 1 ? true : undefined), 30_000);
    expect(await receiver.rowsWritten()).toBe(1);
  });
});
