import { describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/types.ts';
import { MAX_DESCRIPTION_JSON, ticketDescription } from '../../src/ticket/ticketDescription.ts';
import { fingerprintLabel, ticketLabels } from '../../src/ticket/ticketLabels.ts';
import { MAX_SUMMARY_LENGTH, ticketSummary } from '../../src/ticket/ticketSummary.ts';
import { ticketFields } from '../../src/ticket/ticketFields.ts';
import { recurrenceComment } from '../../src/ticket/recurrenceComment.ts';
import { browseUrl, incidentLink } from '../../src/ticket/JiraSettings.ts';
import { incident } from './support/incidents.ts';
import { jiraSettings } from './support/memoryStores.ts';

const analysis: Analysis = {
  incidentId: 'f00dfeedcafe0001',
  fingerprint: 'f00dfeedcafe0001',
  analyser: 'offline',
  model: 'kb-1',
  rootCause: 'The catalogue feed has no price for product 999.',
  category: 'data',
  fixes: [
    { rank: 2, action: 'Block products without a price from the menu', priority: 'medium', estimatedMinutes: 60, automatable: false },
    { rank: 1, action: 'Add the price in the catalogue', priority: 'high', estimatedMinutes: 10, automatable: true },
  ],
  confidence: 0.82,
  summary: 'Missing price',
  similarIncidents: [],
  createdAt: 0,
  durationMs: 3,
};

function textOf(node: unknown): string {
  if (node === null || typeof node !== 'object') return '';
  const { text, content } = node as { text?: string; content?: unknown[] };
  // Inline text joins as it reads; every block ends its line.
  return text ?? `${(content ?? []).map(textOf).join('')}\n`;
}

describe('ticket summary', () => {
  it('reads like [CRITICAL] MISSING_PRICE: Product 999 has no price (STORE_001)', () => {
    expect(ticketSummary(incident())).toBe('[CRITICAL] MISSING_PRICE: Product 999 has no price (STORE_001)');
  });

  it('names the busiest store and how many more there are', () => {
    const summary = ticketSummary(incident({ storeCounts: { STORE_002: 3, STORE_001: 9, STORE_003: 1 } }));
    expect(summary).toBe('[CRITICAL] MISSING_PRICE: Product 999 has no price (STORE_001 +2 more)');
  });

  it("gives a storm incident's title, not one sample's message: rule, service and how many incidents", () => {
    const title = 'Storm: 200 new incidents of rule pos-missing-price in demo-pos (e.g. Product <num> has no price)';
    expect(ticketSummary(incident({ title, stormSize: 200 }))).toBe(`[CRITICAL] MISSING_PRICE: ${title} (STORE_001)`);
  });

  it('falls back to the masked title without samples, and leaves the store out without one', () => {
    expect(ticketSummary(incident({ samples: [], storeCounts: {} }))).toBe('[CRITICAL] MISSING_PRICE: Product <n> has no price');
  });

  it('stays on one line within 255 characters, whatever the message', () => {
    const body = `line one\nline two ${'😀'.repeat(400)}`;
    const sample = { ...incident().samples[0]!, body };
    const summary = ticketSummary(incident({ samples: [sample], errorType: 'E'.repeat(300), storeCounts: { ['S'.repeat(300)]: 1 } }));
    expect(summary.length).toBeLessThanOrEqual(MAX_SUMMARY_LENGTH);
    expect(summary).not.toMatch(/[\r\n]/);
    expect(summary).toContain('line one line two');
    // No lone surrogate at the cut.
    expect(Buffer.from(summary, 'utf8').toString('utf8')).toBe(summary);
  });
});

describe('ticket description (ADF)', () => {
  it('says what happened, where, how often, with samples, the analysis and a link back', () => {
    const described = ticketDescription({
      incident: incident({ count: 42, kioskCounts: { KIOSK_01: 40, KIOSK_02: 2 } }),
      analysis,
      incidentUrl: 'https://grafana.example.com/a/stacklens/incidents/f00dfeedcafe0001',
      notes: 'Seen by the night shift',
    });
    expect(described).toMatchObject({ type: 'doc', version: 1 });
    const all = textOf(described);
    for (const expected of [
      'MISSING_PRICE',
      'CRITICAL',
      'Occurrences: 42',
      '2026-11-25T10:00:00.000Z',
      'STORE_001',
      'KIOSK_02',
      '0af7651916cd43dd8448eb211c80319c',
      'The catalogue feed has no price',
      'Confidence 82 %',
      'Seen by the night shift',
      fingerprintLabel('f00dfeedcafe0001'),
    ]) {
      expect(all).toContain(expected);
    }
    // Fixes ranked, best first.
    expect(all.indexOf('Add the price')).toBeLessThan(all.indexOf('Block products'));
    expect(JSON.stringify(described)).toContain('"href":"https://grafana.example.com/a/stacklens/incidents/f00dfeedcafe0001"');
  });

  it('has no empty text nodes (Jira refuses them)', () => {
    const json = JSON.stringify(
      ticketDescription({ incident: incident({ exceptionType: '', samples: [{ ...incident().samples[0]!, kioskId: '', storeId: '' }] }) }),
    );
    expect(json).not.toContain('"text":""');
  });

  it('stays within the size Jira keeps, however large the input', () => {
    const big = 'x'.repeat(5_000);
    const samples = Array.from({ length: 20 }, () => ({ ...incident().samples[0]!, body: big }));
    const stores = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`STORE_${i}_${big.slice(0, 300)}`, i]));
    const described = ticketDescription({
      incident: incident({ samples, storeCounts: stores, kioskCounts: stores, title: big }),
      analysis: {
        ...analysis,
        rootCause: big,
        fixes: Array.from({ length: 50 }, (_, i) => ({ ...analysis.fixes[0]!, rank: i + 1, action: big })),
      },
      notes: big.repeat(10),
    });
    expect(JSON.stringify(described).length).toBeLessThanOrEqual(MAX_DESCRIPTION_JSON);
    expect(textOf(described)).toContain('more');
  });
});

describe('labels, fields and comments', () => {
  it('labels stacklens, the error type and the fingerprint, then the configured ones, without spaces or duplicates', () => {
    expect(ticketLabels(incident(), { labels: ['team pos', 'stacklens'] })).toEqual([
      'stacklens',
      'MISSING_PRICE',
      'stacklens-fp-f00dfeedcafe0001',
      'team_pos',
    ]);
  });

  it('maps severity to priority and leaves it out when the map has none', () => {
    const fields = ticketFields(incident(), jiraSettings({ linkTemplate: 'http://g/{incidentId}' }), analysis);
    expect(fields).toMatchObject({ project: { key: 'POS' }, issuetype: { name: 'Bug' }, priority: { name: 'Highest' } });
    expect(JSON.stringify(fields.description)).toContain('http://g/f00dfeedcafe0001');
    expect(ticketFields(incident(), jiraSettings({ priorityMap: {} })).priority).toBeUndefined();
  });

  it('builds links: the issue on the site with its path prefix, the incident by template', () => {
    expect(browseUrl('https://proxy.example.com/jira/', 'POS-7')).toBe('https://proxy.example.com/jira/browse/POS-7');
    expect(incidentLink({ linkTemplate: 'https://g/x?id={incidentId}&fp={fingerprint}' }, 'a b', 'c')).toBe('https://g/x?id=a%20b&fp=c');
    expect(incidentLink({}, 'a', 'b')).toBeUndefined();
  });

  it('comments with the new counts, and says so when the incident regressed', () => {
    const recurrence = textOf(recurrenceComment(incident({ count: 120 }), 'recurrence', 100));
    expect(recurrence).toContain('Still happening');
    expect(recurrence).toContain('120 occurrences');
    expect(recurrence).toContain('+100');
    expect(textOf(recurrenceComment(incident({ regressions: 2 }), 'regression', 1))).toContain('regression 2');
  });
});
