import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PastIncident } from '../../src/enrich/Analyser.ts';
import { KnowledgeBase } from '../../src/enrich/KnowledgeBase.ts';
import { OfflineAnalyser } from '../../src/enrich/OfflineAnalyser.ts';
import * as pos from '../support/posRecords.ts';
import { errorRecord, incidentOf, incidentsOf } from './support/incidents.ts';

const analyser = new OfflineAnalyser();

describe('OfflineAnalyser on the point of sale errors', () => {
  it('gives each POS error its specific root cause, category and first fix, with confidence', async () => {
    const incidents = await incidentsOf(
      pos.missingPrice(),
      pos.productNotFound(),
      pos.inventoryShortage(),
      pos.paymentFailed(),
      pos.invalidStoreConfig(),
    );
    const expected = {
      MISSING_PRICE: { category: 'data', rootCause: /no price in the product master data/, fix: /Set the missing price/ },
      PRODUCT_NOT_FOUND: {
        category: 'data',
        rootCause: /product id that the catalogue does not contain/,
        fix: /refresh the kiosks' menus/,
      },
      INVENTORY_SHORTAGE: { category: 'capacity', rootCause: /more units of a product than the store has/, fix: /Restock the product/ },
      PAYMENT_FAILED: { category: 'data', rootCause: /payment gateway declined the cards/, fix: /decline rate/ },
      INVALID_STORE_CONFIG: { category: 'configuration', rootCause: /store that is not configured/, fix: /Add the store/ },
    } as const;
    for (const [errorType, want] of Object.entries(expected)) {
      const finding = analyser.analyseNow({ incident: incidents.get(errorType)!, similar: [] });
      expect(finding.category, errorType).toBe(want.category);
      expect(finding.rootCause, errorType).toMatch(want.rootCause);
      expect(finding.fixes[0]!.action, errorType).toMatch(want.fix);
      expect(finding.fixes.map((fix) => fix.rank)).toEqual(finding.fixes.map((_, index) => index + 1));
      expect(finding.confidence, errorType).toBeGreaterThanOrEqual(0.7);
      expect(finding.summary.length).toBeLessThanOrEqual(160);
    }
  });

  it('names the evidence: the product, the stores and how often', async () => {
    const incident = await incidentOf(pos.missingPrice({ storeId: 'STORE_001' }), pos.missingPrice({ storeId: 'STORE_002' }));
    const finding = analyser.analyseNow({ incident, similar: [] });
    expect(finding.summary).toBe('Product without a price in the product master data blocks its orders (product.id 999)');
    expect(finding.rootCause).toContain('Seen 2 times in 2 stores (STORE_001, STORE_002)');
    expect(finding.rootCause).toContain('product.id: 999.');
  });

  it('tells a payment gateway outage from declined cards', async () => {
    const record = pos.paymentFailed();
    const outage = await incidentOf({
      ...record,
      Body: 'Payment gateway declined the payment: processing_error: the upstream processor timed out',
    });
    const finding = analyser.analyseNow({ incident: outage, similar: [] });
    expect(finding.category).toBe('dependency');
    expect(finding.rootCause).toMatch(/payment gateway .* failed to process/i);
    expect(finding.confidence).toBeGreaterThanOrEqual(0.8);
  });
});

describe('OfflineAnalyser on generic errors', () => {
  it('recognises exception types, network and database errors, resources and HTTP statuses', async () => {
    const cases = [
      [pos.internalError(), 'code', /undefined or null/],
      [pos.otherServiceException(), 'dependency', /refused the connection/],
      [pos.fatal(), 'capacity', /out of memory/],
      [errorRecord('query failed: deadlock detected', { 'error.code': 'DB1' }), 'code', /lock the same rows/],
      [errorRecord('relation "orders" does not exist', { 'error.code': 'DB2' }), 'configuration', /migration/],
      [errorRecord('sorry, too many clients already', { 'error.code': 'DB3' }), 'capacity', /database connection/],
      [errorRecord('getaddrinfo ENOTFOUND payments.internal', { 'error.code': 'NET1' }), 'configuration', /could not be resolved/],
      [errorRecord('request to inventory timed out after 5000 ms', { 'error.code': 'NET2' }), 'dependency', /longer than its time-out/],
      [errorRecord('ENOSPC: no space left on device, write', { 'error.code': 'IO1' }), 'infrastructure', /disk/],
      [errorRecord('upstream answered', { 'error.code': 'H1', 'http.response.status_code': '503' }), 'dependency', /proxy or gateway/],
      [errorRecord('partner API said HTTP 429 Too Many Requests', { 'error.code': 'H2' }), 'capacity', /rate limit/],
      [errorRecord('x is not defined', { 'error.code': 'JS1', 'exception.type': 'ReferenceError' }), 'code', /not defined/],
    ] as const;
    for (const [record, category, rootCause] of cases) {
      const incident = await incidentOf(record);
      const finding = analyser.analyseNow({ incident, similar: [] });
      expect(finding.category, record.Body).toBe(category);
      expect(finding.rootCause, record.Body).toMatch(rootCause);
      expect(finding.confidence, record.Body).toBeGreaterThanOrEqual(0.35);
      expect(finding.confidence, record.Body).toBeLessThan(0.8);
    }
  });

  it('gives an unknown error a low confidence and says it does not know, rather than guessing', async () => {
    const incident = await incidentOf(errorRecord('the flux capacitor reported state 7', { 'error.code': 'FLUX' }));
    const finding = analyser.analyseNow({ incident, similar: [] });
    expect(finding.category).toBe('unknown');
    expect(finding.confidence).toBeLessThanOrEqual(0.2);
    expect(finding.rootCause).toMatch(/does not recognise/);
    expect(finding.summary).toContain('FLUX');
    expect(finding.fixes.length).toBeGreaterThan(0);
  });
});

describe('OfflineAnalyser with similar past incidents', () => {
  const past = (overrides: Partial<PastIncident>): PastIncident => ({
    incidentId: 'past-1',
    errorType: 'FLUX',
    title: 'the flux capacitor reported state <n>',
    status: 'resolved',
    fixes: [],
    ...overrides,
  });

  it('borrows the analysis of a past incident of the same type, with a lower confidence', async () => {
    const incident = await incidentOf(errorRecord('the flux capacitor reported state 9', { 'error.code': 'FLUX' }));
    const similar = [
      past({
        ticketKey: 'POS-12',
        rootCause: 'The flux capacitor firmware is outdated.',
        category: 'infrastructure',
        analyser: 'openai',
        confidence: 0.8,
        fixes: [{ rank: 1, action: 'Update the capacitor firmware', priority: 'high', estimatedMinutes: 30, automatable: false }],
      }),
    ];
    const finding = analyser.analyseNow({ incident, similar });
    expect(finding.rootCause).toContain('As found for the similar incident');
    expect(finding.rootCause).toContain('(POS-12): The flux capacitor firmware is outdated.');
    expect(finding.category).toBe('infrastructure');
    expect(finding.confidence).toBe(0.48);
    expect(finding.fixes[0]!.action).toBe('Update the capacitor firmware');
    expect(finding.fixes.at(-1)!.action).toMatch(/^See POS-12 \(similar incident/);
  });

  it('points at the tickets of similar incidents and is a little surer when the same error was resolved before', async () => {
    const incident = await incidentOf(pos.missingPrice());
    const similar = [past({ errorType: 'MISSING_PRICE', ticketKey: 'POS-7', ticketStatusCategory: 'done' })];
    const finding = analyser.analyseNow({ incident, similar });
    expect(finding.confidence).toBe(0.95);
    const last = finding.fixes.at(-1)!;
    expect(last).toMatchObject({ rank: finding.fixes.length, priority: 'medium', automatable: false });
    expect(last.action).toContain('See POS-7 (similar incident "the flux capacitor reported state <n>", done)');
  });
});

describe('KnowledgeBase', () => {
  it('loads the shipped file with a version and checks every entry', () => {
    const kb = KnowledgeBase.load();
    expect(kb.version).toMatch(/^offline-kb-/);
    expect(kb.entries.length).toBeGreaterThan(20);
    expect(new Set(kb.entries.map((entry) => entry.id)).size).toBe(kb.entries.length);
  });

  it('refuses a file with a bad entry, naming the file and the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-'));
    const path = join(dir, 'kb.yaml');
    const fix = { action: 'x', priority: 'high', minutes: 1, automatable: false };
    const unknown = { category: 'unknown', confidence: 0.1, summary: 's', rootCause: 'r', fixes: [fix] };
    writeFileSync(path, JSON.stringify({ version: 'v', entries: [{ id: 'a', when: { text: '(' }, ...unknown }], unknown }));
    expect(() => KnowledgeBase.load(path)).toThrow(/kb\.yaml: entries\.0\.when\.text: not a valid regular expression/);
    writeFileSync(path, JSON.stringify({ version: 'v', entries: [{ id: 'a', when: {}, ...unknown }], unknown }));
    expect(() => KnowledgeBase.load(path)).toThrow(/at least one condition/);
  });
});
