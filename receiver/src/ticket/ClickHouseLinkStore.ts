import type { TicketLink, TicketStatusCategory } from '@stacklens/processor';
import type { LinkStore } from '@stacklens/processor/ticket';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';
import { VersionClock } from '../store/VersionClock.ts';

const COLUMNS = [
  'fingerprint',
  'incidentId',
  'issueKey',
  'url',
  'status',
  'statusCategory',
  'createdAt',
  'updatedAt',
  'version',
  'deleted',
] as const;

// Aliases differ from the column names: ClickHouse would let an alias shadow its column in WHERE and ORDER BY.
const SELECT = `fingerprint, incidentId, issueKey, url, status, statusCategory,
  toUnixTimestamp64Milli(createdAt) AS createdMs, toUnixTimestamp64Milli(updatedAt) AS updatedMs`;

interface LinkRow {
  fingerprint: string;
  incidentId: string;
  issueKey: string;
  url: string;
  status: string;
  statusCategory: string;
  createdMs: number | string;
  updatedMs: number | string;
}

/** The `jira_links` table: the newest version of each fingerprint's link (FINAL), deleted ones left out. */
export class ClickHouseLinkStore implements LinkStore {
  readonly #transport: ClickHouseTransport;
  readonly #table: string;
  readonly #versions = new VersionClock();

  constructor(transport: ClickHouseTransport, table: string) {
    this.#transport = transport;
    this.#table = table;
  }

  async get(fingerprint: string): Promise<TicketLink | undefined> {
    return (await this.#select('fingerprint = {fingerprint:String}', { fingerprint }, 1))[0];
  }

  async byKey(key: string): Promise<TicketLink | undefined> {
    return (await this.#select('issueKey = {key:String}', { key }, 1))[0];
  }

  async forIncidents(incidentIds: ReadonlyArray<string>): Promise<Map<string, TicketLink>> {
    if (incidentIds.length === 0) return new Map();
    const links = await this.#select('incidentId IN {ids:Array(String)}', { ids: incidentIds }, incidentIds.length * 2);
    return new Map(links.map((link) => [link.incidentId, link]));
  }

  async open(limit: number): Promise<TicketLink[]> {
    return this.#select(`statusCategory != 'done'`, {}, limit, 'updatedAt');
  }

  async count(): Promise<number> {
    const [row] = await this.#transport.query<{ links: number | string }>(
      `SELECT count() AS links FROM ${this.#table} FINAL WHERE deleted = 0`,
    );
    return Number(row?.links ?? 0);
  }

  async save(link: TicketLink): Promise<void> {
    const row = [
      link.fingerprint,
      link.incidentId,
      link.key,
      link.url,
      link.status,
      link.statusCategory,
      Math.trunc(link.createdAt),
      Math.trunc(link.updatedAt),
      this.#versions.next(),
      0,
    ];
    await this.#transport.insertCompactJson(this.#table, COLUMNS, `${JSON.stringify(row)}\n`);
  }

  async #select(
    where: string,
    params: Record<string, string | ReadonlyArray<string>>,
    limit: number,
    orderBy = 'fingerprint',
  ): Promise<TicketLink[]> {
    const rows = await this.#transport.query<LinkRow>(
      `SELECT ${SELECT} FROM ${this.#table} FINAL WHERE deleted = 0 AND ${where} ORDER BY ${orderBy} LIMIT {limit:UInt32}`,
      { ...params, limit },
    );
    return rows.map(linkFromRow);
  }
}

function linkFromRow(row: LinkRow): TicketLink {
  return {
    incidentId: row.incidentId,
    fingerprint: row.fingerprint,
    key: row.issueKey,
    url: row.url,
    status: row.status,
    statusCategory: row.statusCategory as TicketStatusCategory,
    createdAt: Number(row.createdMs),
    updatedAt: Number(row.updatedMs),
  };
}
