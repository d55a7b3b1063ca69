import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseLinkStore } from '../../src/ticket/ClickHouseLinkStore.ts';
import { jiraTables } from '../../src/ticket/jiraSchema.ts';
import { startApiReceiver, type ApiReceiver } from './support/apiReceiver.ts';

// One data folder for the whole file: chDB opens one folder per process.
const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-merge-api-'));
let api: ApiReceiver;

interface IncidentJson {
  id: string;
  fingerprint: string;
  count: number;
  title: string;
}

interface Detail {
  incident: IncidentJson;
  audit: Array<{ stage: string; detail: string; actor: string }>;
  ticket: { key: string } | null;
}

beforeAll(async () => {
  api = await startApiReceiver(dataDir);
  await api.ingest([
    { errorCode: 'CHECKOUT_FAILED', body: 'Payment service timed out after 3000 ms', service: 'checkout' },
    { errorCode: 'CHECKOUT_FAILED', body: 'Payment service timed out after 5000 ms', service: 'checkout' },
    { errorCode: 'CHECKOUT_FAILED', body: 'Payment gateway unreachable: connection reset', service: 'checkout' },
  ]);
});

afterAll(async () => {
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function incidents(): Promise<IncidentJson[]> {
  return (await api.get('/api/incidents')).json<{ items: IncidentJson[] }>().items;
}

describe('POST /api/incidents/:id/merge and /unmerge', () => {
  it('merges by hand: counts add up, the old id answers with the survivor, the ticket moves, both trails say so; unmerge undoes it', async () => {
    const before = await incidents();
    const timeout = before.find((incident) => incident.title.includes('timed out'))!;
    const unreachable = before.find((incident) => incident.title.includes('unreachable'))!;
    // The absorbed incident has a Jira ticket, the survivor none.
    const links = new ClickHouseLinkStore(api.store.transport, jiraTables(api.store.database).links);
    await links.save({
      incidentId: unreachable.id,
      fingerprint: unreachable.fingerprint,
      key: 'POS-7',
      url: 'https://jira.example.com/browse/POS-7',
      status: 'To Do',
      statusCategory: 'new',
      createdAt: Date.now(),
      updatedAt: Date.now(),
    });

    expect((await api.post(`/api/incidents/${unreachable.id}/merge`, 'viewer-token-for-api-tests', { into: timeout.id })).statusCode).toBe(
      403,
    );
    expect((await api.post(`/api/incidents/${unreachable.id}/merge`, undefined, { into: 'nope' })).statusCode).toBe(404);
    expect((await api.post(`/api/incidents/nope/merge`, undefined, { into: timeout.id })).statusCode).toBe(404);
    const merged = await api.post(`/api/incidents/${unreachable.id}/merge`, undefined, { into: timeout.id });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json<IncidentJson>()).toMatchObject({ id: timeout.id, count: 3 });
    expect((await api.post(`/api/incidents/${unreachable.id}/merge`, undefined, { into: timeout.id })).statusCode).toBe(400);

    expect((await incidents()).map((incident) => [incident.id, incident.count])).toEqual([[timeout.id, 3]]);
    const viaOldId = (await api.get(`/api/incidents/${unreachable.id}`)).json<Detail>();
    expect(viaOldId.incident.id).toBe(timeout.id);
    expect(viaOldId.ticket?.key).toBe('POS-7');
    expect(viaOldId.audit.filter((entry) => entry.stage === 'merged').map((entry) => entry.actor)).toEqual(['api', 'api']);
    // A new occurrence of the absorbed error counts in the survivor.
    await api.ingest([{ errorCode: 'CHECKOUT_FAILED', body: 'Payment gateway unreachable: connection reset', service: 'checkout' }]);
    expect((await incidents()).map((incident) => [incident.id, incident.count])).toEqual([[timeout.id, 4]]);

    expect((await api.post(`/api/incidents/${timeout.id}/unmerge`)).statusCode).toBe(404);
    const unmerged = await api.post(`/api/incidents/${unreachable.id}/unmerge`);
    expect(unmerged.statusCode, unmerged.body).toBe(200);
    expect(unmerged.json<IncidentJson>()).toMatchObject({ id: unreachable.id, count: 1 });
    expect((await incidents()).map((incident) => [incident.id, incident.count]).sort()).toEqual(
      [
        [timeout.id, 3],
        [unreachable.id, 1],
      ].sort(),
    );
    const restored = (await api.get(`/api/incidents/${unreachable.id}`)).json<Detail>();
    expect(restored.incident.id).toBe(unreachable.id);
    expect(restored.audit.some((entry) => entry.stage === 'unmerged')).toBe(true);
  });
});
