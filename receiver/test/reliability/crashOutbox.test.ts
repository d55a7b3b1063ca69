import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { protobufRequest } from '@stacklens/test-support/otlp';
import { startJiraDouble, type JiraDouble } from '@stacklens/test-support/jira';
import { postLogs } from './support/loadRecords.ts';
import { API_TOKENS, startReceiverProcess, type ReceiverProcess } from './support/receiverProcess.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-crash-outbox-'));
let jira: JiraDouble | undefined;
afterAll(async () => {
  await jira?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ERROR_CODES = ['MISSING_PRICE', 'PRODUCT_NOT_FOUND', 'INVENTORY_SHORTAGE', 'PAYMENT_FAILED', 'INVALID_STORE_CONFIG'];

function start(jiraUrl: string): Promise<ReceiverProcess> {
  return startReceiverProcess({
    STACKLENS_DATA_DIR: dataDir,
    JIRA_BASE_URL: jiraUrl,
    JIRA_EMAIL: 'bot@example.com',
    JIRA_API_TOKEN: 'jira-api-token-for-the-crash-test',
    JIRA_PROJECT_KEY: 'POS',
    JIRA_AUTO_CREATE: 'true',
    JIRA_POLL_SECONDS: '0',
  });
}

interface OutboxStatus {
  links: number;
  queue: { pending: number; running: number; failed: number };
}

async function outboxStatus(receiver: ReceiverProcess): Promise<OutboxStatus | undefined> {
  const response = await fetch(`${receiver.url}/api/integrations/jira/status`, {
    headers: { authorization: `Bearer ${API_TOKENS.admin}` },
  });
  return response.ok ? ((await response.json()) as OutboxStatus) : undefined;
}

async function incidentCount(receiver: ReceiverProcess): Promise<number> {
  const response = await fetch(`${receiver.url}/api/incidents`, { headers: { authorization: `Bearer ${API_TOKENS.viewer}` } });
  return response.ok ? ((await response.json()) as { total: number }).total : 0;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('crash with the Jira outbox at work', () => {
  it('kill -9 while tickets are being filed, restart: every incident ends with exactly one ticket, linked', async () => {
    jira = await startJiraDouble();
    const first = await start(jira.url);
    let second: ReceiverProcess | undefined;
    try {
      // Five incidents at once, each with a ticket to file. Jira answers only once the incidents are
      // written (the tracker writes them once a second), and the receiver is killed as soon as
      // the first ticket is filed: the others are queued or on their way.
      jira.down();
      const errors = ERROR_CODES.flatMap((errorCode) =>
        Array.from({ length: 5 }, (_, i) => ({ errorCode, body: `${errorCode} happened (order ORD-${i})`, store: 'STORE_001' })),
      );
      expect((await postLogs(first.url, protobufRequest(errors))).status).toBe(200);
      await until(async () => (await incidentCount(first)) === ERROR_CODES.length, 'the incidents written');
      jira.up();
      await until(() => jira!.created() >= 1, 'the first ticket');
      await first.kill();
      const filedBeforeKill = jira.created();

      // Jobs the killed process had claimed stay claimed until their claim runs out (4/3 of the
      // 60 s Jira call time-out); then they look the issue up before filing, and link it.
      second = await start(jira.url);
      await until(() => jira!.created() >= ERROR_CODES.length, 'a ticket for every incident', 180_000);
      await until(
        async () => {
          const status = await outboxStatus(second!);
          return status?.links === ERROR_CODES.length && status.queue.pending === 0 && status.queue.running === 0;
        },
        'every ticket linked and the outbox idle',
        180_000,
      );
      const status = await outboxStatus(second!);
      expect(status?.queue.failed, JSON.stringify(status)).toBe(0);
      const summaries = jira.issues.map((issue) => issue.summary);
      console.info(`crash with outbox: ${filedBeforeKill} ticket(s) filed before kill -9, ${jira.issues.length} in the end`);
      expect(jira.issues).toHaveLength(ERROR_CODES.length);
      expect(new Set(summaries).size).toBe(ERROR_CODES.length);
      expect(await second.stop()).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
    }
  }, 300_000);
});
