import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseLinkStore } from '../../src/ticket/ClickHouseLinkStore.ts';
import { jiraTables } from '../../src/ticket/jiraSchema.ts';
import { openReceiverFeed } from '../publish/support/receiverFeed.ts';
import { startApiReceiver, TOKENS, type ApiReceiver } from './support/apiReceiver.ts';

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
    { errorCode: 'CHECKOUT_FAILED', body: 'Receipt printer jammed', service: 'checkout' },
  ]);
});

afterAll(async () => {
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function incidents(): Promise<IncidentJson[]> {
  return (await api.get('/api/incidents')).json<{ items: IncidentJson[] }>().items;
}

// As Grafana's plugin proxy sends it: json.Marshal of the signed-in user, its UTF-8 bytes as they are.
const grafanaUser = (login: string) => ({
  'x-grafana-context': Buffer.from(JSON.stringify({ UserID: 1, OrgID: 1, OrgRole: 'Admin', Login: login, IsAnonymous: false })).toString(
    'latin1',
  ),
});

describe('POST /api/incidents/:id/merge and /unmerge', () => {
  it('merges by hand: counts add up, the old id answers with the survivor, the ticket moves, both trails say so; unmerge undoes it', async () => {
    const before = await incidents();
    const timeout = before.find((incident) => incident.title.includes('timed out'))!;
    const unreachable = before.find((incident) => incident.title.includes('unreachable'))!;
    const printer = before.find((incident) => incident.title.includes('printer'))!;
    const feed = await openReceiverFeed(api.receiver.app, TOKENS.viewer);
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
    // Through Grafana's Admin route (the admin token, the signed-in user in X-Grafana-Context): merged in that user's name.
    const merged = await api.post(`/api/incidents/${unreachable.id}/merge`, TOKENS.admin, { into: timeout.id }, grafanaUser('zoë'));
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json<IncidentJson>()).toMatchObject({ id: timeout.id, count: 3 });
    // Live pages hear it over the WebSocket: the absorbed incident went into the survivor, whose counts follow.
    expect(await feed.next('incident.merged')).toMatchObject({
      incident: { id: unreachable.id, count: 1 },
      into: timeout.id,
      actor: 'grafana:zoë',
    });
    expect(await feed.next('incident.updated')).toMatchObject({ incident: { id: timeout.id, count: 3 } });

    expect((await incidents()).map((incident) => [incident.id, incident.count]).sort()).toEqual(
      [
        [timeout.id, 3],
        [printer.id, 1],
      ].sort(),
    );
    const viaOldId = (await api.get(`/api/incidents/${unreachable.id}`)).json<Detail>();
    expect(viaOldId.incident.id).toBe(timeout.id);
    expect(viaOldId.ticket?.key).toBe('POS-7');
    expect(viaOldId.audit.filter((entry) => entry.stage === 'merged').map((entry) => entry.actor)).toEqual(['grafana:zoë', 'grafana:zoë']);
    // A new occurrence of the absorbed error counts in the survivor.
    await api.ingest([{ errorCode: 'CHECKOUT_FAILED', body: 'Payment gateway unreachable: connection reset', service: 'checkout' }]);
    expect((await incidents()).find((incident) => incident.id === timeout.id)?.count).toBe(4);

    expect((await api.post(`/api/incidents/${timeout.id}/unmerge`)).statusCode).toBe(404);
    // The admin token without the header (a script): the actor is "api".
    const unmerged = await api.post(`/api/incidents/${unreachable.id}/unmerge`);
    expect(unmerged.statusCode, unmerged.body).toBe(200);
    expect(unmerged.json<IncidentJson>()).toMatchObject({ id: unreachable.id, count: 1 });
    expect(await feed.next('incident.unmerged')).toMatchObject({
      incident: { id: unreachable.id, count: 1 },
      from: timeout.id,
      actor: 'api',
    });
    expect(await feed.next('incident.updated')).toMatchObject({ incident: { id: timeout.id, count: 3 } });
    await feed.close();
    expect(
      (await incidents())
        .filter((incident) => incident.id !== printer.id)
        .map((incident) => [incident.id, incident.count])
        .sort(),
    ).toEqual(
      [
        [timeout.id, 3],
        [unreachable.id, 1],
      ].sort(),
    );
    const restored = (await api.get(`/api/incidents/${unreachable.id}`)).json<Detail>();
    expect(restored.incident.id).toBe(unreachable.id);
    expect(restored.audit.filter((entry) => entry.stage === 'unmerged').map((entry) => entry.actor)).toEqual(['api']);
  });

  it("answers 409 CONFLICT, changing nothing, for a merge the incidents' state forbids", async () => {
    const [a, b, c] = (await incidents()).map((incident) => incident.id).sort() as [string, string, string];
    const merge = (id: string, into: string) => api.post(`/api/incidents/${id}/merge`, TOKENS.admin, { into });
    const conflict = async (id: string, into: string, message: string) => {
      const answer = await merge(id, into);
      expect(answer.statusCode, answer.body).toBe(409);
      expect(answer.json()).toEqual({ statusCode: 409, code: 'CONFLICT', message });
    };
    const q = (id: string) => JSON.stringify(id);
    await conflict(a, a, `incident ${q(a)} cannot be merged into itself`);
    expect((await merge(b, a)).statusCode).toBe(200);
    await conflict(b, a, `incident ${q(b)} is already part of ${q(a)}`);
    await conflict(a, b, `incident ${q(b)} is already part of ${q(a)}`);
    // An incident merged away is not a stand-in for its survivor, on either side.
    await conflict(b, c, `incident ${q(b)} was merged into ${q(a)}: unmerge it first, or merge ${q(a)}`);
    await conflict(c, b, `incident ${q(b)} was merged into ${q(a)}: merge into ${q(a)} instead`);
    expect((await incidents()).map((incident) => incident.id).sort()).toEqual([a, c].sort());
    expect((await api.post(`/api/incidents/${b}/unmerge`)).statusCode).toBe(200);
    expect((await incidents()).map((incident) => incident.id).sort()).toEqual([a, b, c].sort());
  });

  it('documents the 409 and the Grafana header in the OpenAPI document', async () => {
    const docs = (await api.get('/api/docs/json')).json<{
      paths: Record<string, { post: { responses: Record<string, unknown>; parameters?: Array<{ in: string; name: string }> } }>;
    }>();
    const merge = docs.paths['/api/incidents/{id}/merge']!.post;
    expect(Object.keys(merge.responses)).toEqual(expect.arrayContaining(['200', '404', '409']));
    expect(merge.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'x-grafana-context' })]));
  });
});
