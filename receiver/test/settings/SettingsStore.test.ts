import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/settings/SecretBox.ts';
import { SettingsStore } from '../../src/settings/SettingsStore.ts';
import { SETTINGS_TABLE } from '../../src/settings/settingsSchema.ts';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-settings-'));
const key = randomBytes(32);
let store: LogStore;
let settings: SettingsStore;

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  settings = new SettingsStore(store.transport, 'stacklens', new SecretBox(key));
});

afterAll(async () => {
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('SettingsStore', () => {
  it('saves a named setting with its secrets and reads it back', async () => {
    expect(await settings.read('jira')).toBeUndefined();
    const before = Date.now();
    await settings.write('jira', { baseUrl: 'https://x.atlassian.net', labels: ['a'], enabled: true, n: null }, { apiToken: 'tok-123' });
    const read = await settings.read('jira');
    expect(read).toMatchObject({
      value: { baseUrl: 'https://x.atlassian.net', labels: ['a'], enabled: true, n: null },
      secrets: { apiToken: 'tok-123' },
    });
    expect(read!.updatedAt).toBeGreaterThanOrEqual(before - 1);
  });

  it('keeps secrets sealed at rest', async () => {
    const rows = await store.transport.query<{ value: string; secrets: string }>(
      `SELECT value, secrets FROM stacklens.${SETTINGS_TABLE} WHERE name = 'jira'`,
    );
    expect(JSON.stringify(rows)).not.toContain('tok-123');
    expect(rows[0]!.secrets).toMatch(/^v2\./);
  });

  it('lets the newest save win, even within one millisecond, and shares it with another store on the same tables', async () => {
    for (let i = 0; i < 5; i += 1) await settings.write('counter', { i });
    expect((await settings.read<{ i: number }>('counter'))!.value.i).toBe(4);
    const other = new SettingsStore(store.transport, 'stacklens', new SecretBox(key));
    expect((await other.read('jira'))!.secrets.apiToken).toBe('tok-123');
    await other.write('counter', { i: 99 });
    expect((await settings.read<{ i: number }>('counter'))!.value.i).toBe(99);
  });

  it('saves a setting without secrets, and removes a setting', async () => {
    await settings.write('plain', { a: 1 });
    expect(await settings.read('plain')).toMatchObject({ value: { a: 1 }, secrets: {} });
    await settings.remove('plain');
    expect(await settings.read('plain')).toBeUndefined();
    await settings.write('plain', { a: 2 });
    expect((await settings.read('plain'))!.value).toEqual({ a: 2 });
  });

  it('keeps shut secrets saved under another key, copied to another name, or beside a rewritten context', async () => {
    const stranger = new SettingsStore(store.transport, 'stacklens', new SecretBox(randomBytes(32)));
    expect(await stranger.read('jira')).toMatchObject({
      secrets: {},
      secretsRefused: expect.stringMatching(/another STACKLENS_SECRET_KEY/),
    });
    const [row] = await store.transport.query<{ secrets: string }>(
      `SELECT secrets FROM stacklens.${SETTINGS_TABLE} FINAL WHERE name = 'jira'`,
    );
    await store.transport.insertCompactJson(
      `stacklens.${SETTINGS_TABLE}`,
      ['name', 'value', 'secrets', 'deleted', 'updatedAt', 'version'],
      `${JSON.stringify(['copied', '{}', row!.secrets, 0, Date.now(), Date.now() * 1000 + 7])}\n`,
    );
    expect(await settings.read('copied')).toMatchObject({ secrets: {}, secretsRefused: expect.any(String) });
    // Sealed with the site it belongs to: read back with another site, it stays shut.
    const site = (value: { baseUrl: string }) => ({ baseUrl: value.baseUrl });
    await settings.write('bound', { baseUrl: 'https://a.atlassian.net' }, { apiToken: 'tok-456' }, site);
    expect((await settings.read('bound', site))!.secrets).toEqual({ apiToken: 'tok-456' });
    expect((await settings.read('bound', () => ({ baseUrl: 'https://evil.example.com' })))!.secretsRefused).toMatch(/enter it again/);
  });
});
