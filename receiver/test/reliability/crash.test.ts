import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRecords, postLogs, protobufRequest, range } from './support/loadRecords.ts';
import { API_TOKENS, startReceiverProcess, type ReceiverProcess } from './support/receiverProcess.ts';
import { storedSeqCounts } from './support/storedSeqs.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const ROWS_PER_REQUEST = 100;
const CLIENTS = 8;

interface IncidentItem {
  id: string;
  count: number;
  errorType: string;
}

async function incidents(receiver: ReceiverProcess): Promise<IncidentItem[]> {
  const response = await fetch(`${receiver.url}/api/incidents?errorType=MISSING_PRICE`, {
    headers: { authorization: `Bearer ${API_TOKENS.viewer}` },
  });
  if (!response.ok) return [];
  return ((await response.json()) as { items: IncidentItem[] }).items;
}

/** Polls until the stored incidents satisfy `done` (the tracker writes them about once a second). */
async function incidentsWhen(receiver: ReceiverProcess, done: (items: IncidentItem[]) => boolean): Promise<IncidentItem[]> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const items = await incidents(receiver);
    if (done(items)) return items;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return incidents(receiver);
}

async function sendErrors(receiver: ReceiverProcess, from: number, count: number): Promise<void> {
  const { status } = await postLogs(receiver.url, protobufRequest(loadRecords(from, count, { severity: 'ERROR' })));
  expect(status).toBe(200);
}

/** Clients sending numbered requests back to back until the process dies; returns the acknowledged records. */
function loadUntilDeath(receiver: ReceiverProcess, firstSeq: number): { acknowledged: number[]; acks: () => number; done: Promise<void> } {
  const acknowledged: number[] = [];
  let next = 0;
  let dead = false;
  void receiver.exited.then(() => (dead = true));
  const client = async (): Promise<void> => {
    while (!dead) {
      const from = firstSeq + next * ROWS_PER_REQUEST;
      next += 1;
      const { status } = await postLogs(receiver.url, protobufRequest(loadRecords(from, ROWS_PER_REQUEST)), 30_000);
      if (status === 200) acknowledged.push(...range(from, from + ROWS_PER_REQUEST));
    }
  };
  return {
    acknowledged,
    acks: () => acknowledged.length / ROWS_PER_REQUEST,
    done: Promise.all(range(0, CLIENTS).map(client)).then(() => undefined),
  };
}

describe('crash: kill -9 while a load runs, then a restart on the same data folder', () => {
  it('keeps every acknowledged record, and the incident continues its count under the same id', async () => {
    const first = await startReceiverProcess({ STACKLENS_DATA_DIR: dataDir });
    let second: ReceiverProcess | undefined;
    try {
      await sendErrors(first, 0, 20);
      const [before] = await incidentsWhen(first, (items) => items[0]?.count === 20);
      expect(before).toMatchObject({ count: 20, errorType: 'MISSING_PRICE' });

      const load = loadUntilDeath(first, 1_000_000);
      while (load.acks() < 40) await new Promise((resolve) => setTimeout(resolve, 20));
      await first.kill();
      await load.done;
      expect((await first.exited).signal).toBe('SIGKILL');

      second = await startReceiverProcess({ STACKLENS_DATA_DIR: dataDir });
      await sendErrors(second, 100, 5);
      const after = await incidentsWhen(second, (items) => items[0]?.count === 25);
      // One incident, the same one, its count continued: no second incident for the same error.
      expect(after).toEqual([expect.objectContaining({ id: before!.id, count: 25 })]);
      expect(await second.stop()).toBe(0);

      const stored = await storedSeqCounts(dataDir);
      console.info(
        `crash: ${load.acknowledged.length} records acknowledged before kill -9, ${[...stored.keys()].filter((seq) => seq >= 1_000_000).length} stored`,
      );
      expect(load.acknowledged.filter((seq) => !stored.has(seq))).toEqual([]);
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
    }
  }, 240_000);
});
