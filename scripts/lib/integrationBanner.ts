/**
 * The start banner's Jira and AI lines, as the receiver sees them: its API reads the settings
 * saved in the store (shared by every receiver, set through the API or the plugin) and falls
 * back to the JIRA_* / OPENAI_* variables, so asking it is the only truthful answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface IntegrationLines {
  jira: string;
  ai: string;
}

interface JiraView {
  configured: boolean;
  source?: string;
  baseUrl: string;
  projectKey: string;
  issueType: string;
  enabled: boolean;
  autoCreate: boolean;
  testStatus?: string;
}

interface AiView {
  provider: 'offline' | 'openai';
  baseUrl: string | null;
  model: string;
  apiKeySet: boolean;
  source: string;
}

/** The admin token the receiver uses: STACKLENS_ADMIN_TOKEN, else the one it generated into its data folder. */
export function adminToken(env: Record<string, string | undefined>, dataDir: string): string | undefined {
  if (env.STACKLENS_ADMIN_TOKEN) return env.STACKLENS_ADMIN_TOKEN;
  const file = join(dataDir, 'api-tokens.json');
  if (!existsSync(file)) return undefined;
  try {
    const { admin } = JSON.parse(readFileSync(file, 'utf8')) as { admin?: unknown };
    return typeof admin === 'string' ? admin : undefined;
  } catch {
    return undefined;
  }
}

const SOURCE: Record<string, string> = { api: 'saved through the API', environment: 'from JIRA_* variables' };

export function describeJira(view: JiraView): string {
  if (!view.configured)
    return "not configured: the plugin's configuration page, PUT /api/integrations/jira (admin token) or JIRA_* variables";
  const where = `${view.baseUrl}, project ${view.projectKey} (${view.issueType}), ${SOURCE[view.source ?? ''] ?? 'configured'}`;
  if (!view.enabled) return `${where}; disabled (nothing goes to Jira)`;
  const tickets = view.autoCreate ? "tickets filed automatically by each rule's policy" : 'tickets on request only (autoCreate off)';
  const test = view.testStatus === 'failed' ? '; the last connection test FAILED: POST /api/integrations/jira/test says what to fix' : '';
  return `${where}; ${tickets}${test}`;
}

export function describeAi(view: AiView): string {
  const source = view.source === 'api' ? 'saved through the API' : 'from OPENAI_* variables';
  if (view.provider === 'openai' && view.apiKeySet)
    return `the model ${view.model} at ${view.baseUrl ?? 'OpenAI'} (${source}); in GET /api/incidents/:id`;
  if (view.provider === 'openai') {
    return `offline analyser: the model ${view.model} is set (${source}) but has no key; PUT /api/integrations/ai with apiKey, or OPENAI_API_KEY`;
  }
  return `offline analyser (knowledge base and similar incidents); a model: PUT /api/integrations/ai or OPENAI_API_KEY`;
}

/** Asks the receiver's API; a line says so when it cannot be asked. */
export async function integrationLines(receiverUrl: string, token: string | undefined): Promise<IntegrationLines> {
  if (!token) {
    const unknown = "unknown: no admin token (STACKLENS_ADMIN_TOKEN or the data folder's api-tokens.json) to ask the receiver";
    return { jira: unknown, ai: unknown };
  }
  const ask = async <T>(path: string, describe: (view: T) => string): Promise<string> => {
    try {
      const response = await fetch(`${receiverUrl}${path}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5_000),
      });
      if (response.status === 404) return 'off in this receiver';
      if (!response.ok) return `unknown: GET ${path} answered ${response.status}`;
      return describe((await response.json()) as T);
    } catch (error) {
      return `unknown: GET ${path} failed (${(error as Error).message})`;
    }
  };
  const [jira, ai] = await Promise.all([
    ask<JiraView>('/api/integrations/jira', describeJira),
    ask<AiView>('/api/integrations/ai', describeAi),
  ]);
  return { jira, ai };
}
