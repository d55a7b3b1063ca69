import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';
import { VersionClock } from '../store/VersionClock.ts';
import { SecretKeyError, type SecretBox, type SecretContext } from './SecretBox.ts';
import { SETTINGS_TABLE } from './settingsSchema.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface StoredSetting<T> {
  value: T;
  /** The secrets saved with the value, opened; empty when they did not open (see secretsRefused). */
  secrets: Record<string, string>;
  /** Why the saved secrets did not open (another key, another site than the one stored beside them, an old format). */
  secretsRefused?: string;
  updatedAt: number;
}

/** Where a setting's secrets may be used, read from its value: they are sealed with it and open only with it. */
export type ContextOf<T> = (value: T) => SecretContext;

interface SettingRow {
  value: string;
  secrets: string;
  deleted: number;
  updatedAt: string;
}

const COLUMNS = ['name', 'value', 'secrets', 'deleted', 'updatedAt', 'version'] as const;

/**
 * Named settings in ClickHouse, shared by every receiver on the store. Secrets are sealed
 * with the setting's name and their context (the site URL and e-mail of a token) bound in, and
 * are opened only here, for the integration that uses them: a value rewritten in the store
 * leaves its secrets shut.
 */
export class SettingsStore {
  readonly #transport: ClickHouseTransport;
  readonly #table: string;
  readonly #box: SecretBox;
  readonly #versions = new VersionClock();

  constructor(transport: ClickHouseTransport, database: string, box: SecretBox) {
    this.#transport = transport;
    this.#table = `${database}.${SETTINGS_TABLE}`;
    this.#box = box;
  }

  async read<T extends JsonValue>(name: string, contextOf: ContextOf<T> = () => ({})): Promise<StoredSetting<T> | undefined> {
    const [row] = await this.#transport.query<SettingRow>(
      `SELECT value, secrets, deleted, toUnixTimestamp64Milli(updatedAt) AS updatedAt
       FROM ${this.#table} FINAL WHERE name = {name:String} LIMIT 1`,
      { name },
    );
    if (!row || Number(row.deleted) === 1) return undefined;
    const value = JSON.parse(row.value) as T;
    const updatedAt = Number(row.updatedAt);
    if (row.secrets === '') return { value, secrets: {}, updatedAt };
    try {
      return { value, secrets: JSON.parse(this.#box.open(row.secrets, name, contextOf(value))) as Record<string, string>, updatedAt };
    } catch (error) {
      if (!(error instanceof SecretKeyError)) throw error;
      return { value, secrets: {}, secretsRefused: error.message, updatedAt };
    }
  }

  async write<T extends JsonValue>(
    name: string,
    value: T,
    secrets: Record<string, string> = {},
    contextOf: ContextOf<T> = () => ({}),
  ): Promise<void> {
    const sealed = Object.keys(secrets).length === 0 ? '' : this.#box.seal(JSON.stringify(secrets), name, contextOf(value));
    await this.#insert([name, JSON.stringify(value), sealed, 0]);
  }

  async remove(name: string): Promise<void> {
    await this.#insert([name, 'null', '', 1]);
  }

  async #insert(values: [string, string, string, number]): Promise<void> {
    const now = Date.now();
    const row = [...values, now, this.#versions.next(now)];
    await this.#transport.insertCompactJson(this.#table, COLUMNS, `${JSON.stringify(row)}\n`);
  }
}
