import {
  DEFAULT_COMMENT_INTERVAL_MINUTES,
  DEFAULT_PRIORITY_MAP,
  type ConnectionTestResult,
  type JiraSettings,
  type JiraSettingsSource,
} from '@stacklens/processor/ticket';
import type { FastifyBaseLogger } from 'fastify';
import type { JsonValue, SettingsStore } from '../settings/SettingsStore.ts';
import type { JiraEnv } from './jiraEnv.ts';

export const JIRA_SETTING = 'jira';

/** The token and webhook secret are sealed with the site and e-mail they were entered for. */
const jiraContext = (value: StoredJiraConfig & { [key: string]: JsonValue }) => ({ baseUrl: value.baseUrl, email: value.email });
export const JIRA_TEST_SETTING = 'jira.test';

/** The saved configuration without its secrets (those are sealed beside it). */
export type StoredJiraConfig = Omit<JiraSettings, 'apiToken'>;

/** What PUT /api/integrations/jira takes. */
export interface JiraConfigInput extends Partial<
  Omit<StoredJiraConfig, 'baseUrl' | 'email' | 'projectKey' | 'issueType' | 'enabled' | 'autoCreate'>
> {
  baseUrl: string;
  email: string;
  projectKey: string;
  issueType: string;
  enabled: boolean;
  autoCreate: boolean;
  apiToken?: string;
  /** '' removes it. */
  webhookSecret?: string;
}

export interface StoredTest {
  lastTestedAt: number;
  testStatus: 'ok' | 'failed';
  testError: string | null;
}

export type ConfigSource = 'api' | 'environment' | 'none';

export class JiraConfigError extends Error {
  override name = 'JiraConfigError';
}

interface Snapshot {
  source: ConfigSource;
  settings?: JiraSettings;
  webhookSecret?: string;
  test?: StoredTest;
}

/**
 * The Jira configuration every receiver on the store shares: saved through the API into the
 * settings table (token and webhook secret sealed with AES-256-GCM), read again every few
 * seconds so a save on one receiver reaches the others, and the JIRA_* environment as the
 * fallback when nothing is saved. Secrets stay inside: views say only whether one is set.
 */
export class JiraConfigStore implements JiraSettingsSource {
  readonly #settings: SettingsStore;
  readonly #env: JiraEnv;
  readonly #log: FastifyBaseLogger;
  readonly #refreshMs: number;
  #snapshot: Snapshot;
  #timer: NodeJS.Timeout | undefined;
  /** Set while reads fail: reported once, not every few seconds. */
  #failing = false;
  /** The saved version whose refused secrets were reported (once, not every few seconds). */
  #refusedReported: number | undefined;

  constructor(settings: SettingsStore, env: JiraEnv, log: FastifyBaseLogger, refreshMs = 5_000) {
    this.#settings = settings;
    this.#env = env;
    this.#log = log;
    this.#refreshMs = refreshMs;
    this.#snapshot = fromEnv(env);
  }

  /** Reads the saved configuration now, then every few seconds; a failed read keeps what was known. */
  async start(): Promise<void> {
    await this.#refreshQuietly();
    this.#timer = setInterval(() => void this.#refreshQuietly(), this.#refreshMs);
    this.#timer.unref();
  }

  async #refreshQuietly(): Promise<void> {
    try {
      await this.refresh();
      this.#failing = false;
    } catch (error) {
      if (!this.#failing)
        this.#log.error({ err: error }, 'could not read the saved Jira settings; the last known ones stay in force, trying again');
      this.#failing = true;
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async refresh(): Promise<void> {
    const [saved, test] = await Promise.all([
      this.#settings.read<StoredJiraConfig & { [key: string]: JsonValue }>(JIRA_SETTING, jiraContext),
      this.#settings.read<StoredTest & { [key: string]: JsonValue }>(JIRA_TEST_SETTING),
    ]);
    if (!saved) {
      this.#snapshot = { ...fromEnv(this.#env), test: test?.value };
      return;
    }
    if (saved.secretsRefused) {
      // Never sent anywhere: the site beside the token is not the one it was sealed for (or the key changed).
      if (this.#refusedReported !== saved.updatedAt) {
        this.#log.error(`Jira is off: ${saved.secretsRefused} (PUT /api/integrations/jira with apiToken)`);
        this.#refusedReported = saved.updatedAt;
      }
      this.#snapshot = { source: 'api', test: test?.value };
      return;
    }
    const { apiToken = '', webhookSecret } = saved.secrets;
    this.#snapshot = {
      source: 'api',
      settings: { ...saved.value, apiToken },
      webhookSecret: webhookSecret ?? this.#env.webhookSecret,
      test: test?.value,
    };
  }

  current(): JiraSettings | undefined {
    return this.#snapshot.settings;
  }

  get source(): ConfigSource {
    return this.#snapshot.source;
  }

  webhookSecret(): string | undefined {
    return this.#snapshot.webhookSecret;
  }

  /** The configuration as GET answers it: no secret, only whether each is set. */
  view() {
    const { settings, source, test, webhookSecret } = this.#snapshot;
    return {
      configured: settings !== undefined,
      source,
      baseUrl: settings?.baseUrl ?? '',
      email: settings?.email ?? '',
      projectKey: settings?.projectKey ?? '',
      issueType: settings?.issueType ?? '',
      enabled: settings?.enabled ?? false,
      autoCreate: settings?.autoCreate ?? false,
      priorityMap: settings?.priorityMap ?? { ...DEFAULT_PRIORITY_MAP },
      labels: settings?.labels ?? [],
      linkTemplate: settings?.linkTemplate ?? null,
      onRegression: settings?.onRegression ?? 'reopen',
      commentIntervalMinutes: settings?.commentIntervalMinutes ?? DEFAULT_COMMENT_INTERVAL_MINUTES,
      apiTokenSet: Boolean(settings?.apiToken),
      webhookSecretSet: Boolean(webhookSecret),
      lastTestedAt: test ? new Date(test.lastTestedAt).toISOString() : null,
      testStatus: test?.testStatus ?? 'untested',
      testError: test?.testError ?? null,
    };
  }

  /**
   * The settings a PUT (or a test with a body) would make. A token left out is kept only for
   * the same site and e-mail: a saved token is never sent to a site it was not entered for.
   * @throws JiraConfigError when a token is needed.
   */
  resolve(input: Partial<JiraConfigInput>): { settings: JiraSettings; webhookSecret?: string } {
    const known = this.#snapshot.settings;
    const baseUrl = (input.baseUrl ?? known?.baseUrl ?? '').replace(/\/+$/, '');
    const email = input.email ?? known?.email ?? '';
    let apiToken = input.apiToken;
    if (apiToken === undefined) {
      if (!known?.apiToken) throw new JiraConfigError('apiToken is required: no token is saved yet');
      if (known.baseUrl !== baseUrl || known.email !== email) {
        throw new JiraConfigError(
          'apiToken is required when the site URL or e-mail changes: a saved token is only sent to the site it was entered for',
        );
      }
      apiToken = known.apiToken;
    }
    const settings: JiraSettings = {
      baseUrl,
      email,
      apiToken,
      projectKey: input.projectKey ?? known?.projectKey ?? '',
      issueType: input.issueType ?? known?.issueType ?? 'Bug',
      enabled: input.enabled ?? known?.enabled ?? true,
      autoCreate: input.autoCreate ?? known?.autoCreate ?? false,
      priorityMap: input.priorityMap ?? known?.priorityMap ?? { ...DEFAULT_PRIORITY_MAP },
      labels: input.labels ?? known?.labels ?? [],
      linkTemplate: input.linkTemplate === undefined ? known?.linkTemplate : input.linkTemplate || undefined,
      onRegression: input.onRegression ?? known?.onRegression ?? 'reopen',
      commentIntervalMinutes: input.commentIntervalMinutes ?? known?.commentIntervalMinutes ?? DEFAULT_COMMENT_INTERVAL_MINUTES,
    };
    if (settings.projectKey === '' || settings.baseUrl === '' || settings.email === '') {
      throw new JiraConfigError('baseUrl, email and projectKey are required: nothing is saved to fall back on');
    }
    const webhookSecret = input.webhookSecret === undefined ? this.#snapshot.webhookSecret : input.webhookSecret || undefined;
    return { settings, webhookSecret };
  }

  async save(input: JiraConfigInput): Promise<void> {
    const { settings, webhookSecret } = this.resolve(input);
    const { apiToken, ...stored } = settings;
    const secrets: Record<string, string> = { apiToken };
    if (webhookSecret) secrets.webhookSecret = webhookSecret;
    // Through JSON: an absent link template is left out rather than stored as undefined.
    await this.#settings.write(
      JIRA_SETTING,
      JSON.parse(JSON.stringify(stored satisfies StoredJiraConfig)) as StoredJiraConfig & { [key: string]: JsonValue },
      secrets,
      jiraContext,
    );
    // A new configuration has not been tested.
    await this.#settings.remove(JIRA_TEST_SETTING);
    await this.refresh();
  }

  async remove(): Promise<void> {
    await this.#settings.remove(JIRA_SETTING);
    await this.#settings.remove(JIRA_TEST_SETTING);
    await this.refresh();
  }

  async recordTest(result: ConnectionTestResult): Promise<void> {
    const test: StoredTest = {
      lastTestedAt: result.testedAt,
      testStatus: result.ok ? 'ok' : 'failed',
      testError: result.ok ? null : result.message,
    };
    await this.#settings.write(JIRA_TEST_SETTING, { ...test });
    this.#snapshot = { ...this.#snapshot, test };
  }
}

function fromEnv(env: JiraEnv): Snapshot {
  return env.settings
    ? { source: 'environment', settings: env.settings, webhookSecret: env.webhookSecret }
    : { source: 'none', webhookSecret: env.webhookSecret };
}
