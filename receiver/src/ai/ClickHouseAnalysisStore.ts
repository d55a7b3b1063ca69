import type { Analysis } from '@stacklens/processor';
import type { AnalysisStore } from '@stacklens/processor/enrich';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';

const COLUMNS = ['incidentId', 'fingerprint', 'analyser', 'model', 'category', 'confidence', 'analysis', 'createdAt', 'version'] as const;

/**
 * The enrich stage's AnalysisStore on ClickHouse (`incident_analyses`): the newest analysis of
 * each incident wins. Versions are microsecond-scaled times, so a later save wins across
 * receivers and two saves in one millisecond stay ordered here.
 */
export class ClickHouseAnalysisStore implements AnalysisStore {
  readonly #transport: ClickHouseTransport;
  readonly #table: string;
  #lastVersion = 0;

  constructor(transport: ClickHouseTransport, table: string) {
    this.#transport = transport;
    this.#table = table;
  }

  async save(analysis: Analysis): Promise<void> {
    this.#lastVersion = Math.max(Math.trunc(analysis.createdAt) * 1000, this.#lastVersion + 1);
    const row = [
      analysis.incidentId,
      analysis.fingerprint,
      analysis.analyser,
      analysis.model,
      analysis.category,
      analysis.confidence,
      JSON.stringify(analysis),
      Math.trunc(analysis.createdAt),
      this.#lastVersion,
    ];
    await this.#transport.insertCompactJson(this.#table, COLUMNS, `${JSON.stringify(row)}\n`);
  }

  async load(incidentIds: ReadonlyArray<string>): Promise<Map<string, Analysis>> {
    if (incidentIds.length === 0) return new Map();
    const rows = await this.#transport.query<{ analysis: string }>(
      `SELECT analysis FROM ${this.#table} FINAL WHERE incidentId IN {ids:Array(String)}`,
      { ids: incidentIds },
    );
    const found = new Map<string, Analysis>();
    for (const row of rows) {
      const analysis = JSON.parse(row.analysis) as Analysis;
      found.set(analysis.incidentId, analysis);
    }
    return found;
  }
}
