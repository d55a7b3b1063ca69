import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';
import { VersionClock } from '../store/VersionClock.ts';
import type { SecretBox } from './SecretBox.ts';
import { SETTINGS_TABLE } from './settingsSchema.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface StoredSetting<T> {
  value: T;
  /** The secrets saved with the value, opened. */
  secrets: Record<string, string>;
  updatedAt: number;
}

interface SettingRow {
  value: string;
  secrets: string;
  deleted: number;
  updatedAt: string;
}

const COLUMNS = ['name', 'value', 'secrets', 'deleted', 'updatedAt', 'version'] as const;

/**
 * Named settings in ClickHouse, shared by every receiver on the store. Secrets are sealed
 * with the setting's name bound in, and are opened only here, for the integration that uses them.
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

  async read<T extends JsonValue>(name: string): Promise<StoredSetting<T> | undefined> {
    const [row] = await this.#transport.query<SettingRow>(
      `SELECT value, secrets, deleted, toUnixTimestamp64Milli(updatedAt) AS updatedAt
       FROM ${this.#table} FINAL WHERE name = {name:String} LIMIT 1`,
      { name },
    );
    if (!row || Number(row.deleted) === 1) return undefined;
    const secrets = row.secrets === '' ? {} : (JSON.parse(this.#box.open(row.secrets, name)) as Record<string, string>);
    return { value: JSON.parse(row.value) as T, secrets, updatedAt: Number(row.updatedAt) };
  }

  async write(name: string, value: JsonValue, secrets: Record<string, string> = {}): Promise<void> {
    const sealed = Object.keys(secrets).length === 0 ? '' : this.#box.seal(JSON.stringify(secrets), name);
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
