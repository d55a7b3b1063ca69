import type { Analysis } from '@stacklens/processor';
import type { AnalysisStore } from '@stacklens/processor/enrich';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';
import { VersionClock } from '../store/VersionClock.ts';

const COLUMNS = ['incidentId', 'fingerprint', 'analyser', 'model', 'category', 'confidence', 'analysis', 'createdAt', 'version'] as const;

/**
 * The enrich stage's AnalysisStore on ClickHouse (`incident_analyses`): the newest analysis of
 * each incident wins. Versions are microsecond-scaled times, so a later save wins across
 * receivers and two saves in one millisecond stay ordered here.
 */
export class ClickHouseAnalysisStore implements AnalysisStore {
  readonly #transport: ClickHouseTransport;
  readonly #table: string;
  readonly #versions = new VersionClock();
  readonly #onSaved: (analyses: ReadonlyArray<Analysis>) => void;

  /** `onSaved` hears of each saved batch (the similar-incident snapshot keeps itself current with it). */
  constructor(transport: ClickHouseTransport, table: string, onSaved: (analyses: ReadonlyArray<Analysis>) => void = () => {}) {
    this.#transport = transport;
    this.#table = table;
    this.#onSaved = onSaved;
  }

  async save(analyses: ReadonlyArray<Analysis>): Promise<void> {
    if (analyses.length === 0) return;
    let payload = '';
    for (const analysis of analyses) {
      const row = [
        analysis.incidentId,
        analysis.fingerprint,
        analysis.analyser,
        analysis.model,
        analysis.category,
        analysis.confidence,
        JSON.stringify(analysis),
        Math.trunc(analysis.createdAt),
        this.#versions.next(Math.trunc(analysis.createdAt)),
      ];
      payload += `${JSON.stringify(row)}\n`;
    }
    await this.#transport.insertCompactJson(this.#table, COLUMNS, payload);
    this.#onSaved(analyses);
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
