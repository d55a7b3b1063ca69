import { PROXY_BASE, ROUTES } from '../constants.ts';
import type {
  CreateTicketResult,
  Incident,
  IncidentDetail,
  IncidentPage,
  IncidentQuery,
  JiraQueueStatus,
  JiraRetryResult,
  JiraSettingsInput,
  JiraSettingsView,
  JiraTestResult,
  LiveTicket,
  Stats,
  TicketLink,
} from '../types.ts';
import { ApiRequestError } from './ApiRequestError.ts';
import type { Transport, TransportRequest } from './Transport.ts';

/** What the pages ask of the receiver. One implementation; the transport decides how the bytes travel. */
export interface StackLensApi {
  stats(): Promise<Stats>;
  incidents(query?: IncidentQuery): Promise<IncidentPage>;
  incident(id: string, minutes?: number): Promise<IncidentDetail>;
  acknowledge(id: string): Promise<Incident>;
  resolve(id: string): Promise<Incident>;
  createTicket(id: string, notes: string): Promise<CreateTicketResult>;
  /** Merges incident `id` into `into` (admin): answers the survivor. */
  merge(id: string, into: string): Promise<Incident>;
  /** Takes a merged incident out again (admin): answers the restored incident. */
  unmerge(id: string): Promise<Incident>;
  liveTicket(): Promise<LiveTicket>;
  /** null while Jira has not been configured. */
  jiraSettings(): Promise<JiraSettingsView | null>;
  saveJiraSettings(settings: JiraSettingsInput): Promise<JiraSettingsView>;
  removeJiraSettings(): Promise<void>;
  testJira(): Promise<JiraTestResult>;
  /** The outbox's counts and the jobs waiting for a settings fix. */
  jiraStatus(): Promise<JiraQueueStatus>;
  /** Queues the waiting jobs again (after a fix in Jira itself, which the settings do not show). */
  retryJira(): Promise<JiraRetryResult>;
}

export function createStackLensApi(transport: Transport): StackLensApi {
  const call = async <T>(method: TransportRequest['method'], path: string, body?: unknown): Promise<{ status: number; data: T }> => {
    const response = await transport.send({ method, url: `${PROXY_BASE}/${path}`, body });
    if (response.status < 200 || response.status >= 300) throw ApiRequestError.from(response.status, response.data);
    return { status: response.status, data: response.data as T };
  };
  const read = async <T>(path: string): Promise<T> => (await call<T>('GET', path)).data;
  const incidentPath = (id: string, action?: string, base: string = ROUTES.incidents) =>
    `${base}/${encodeURIComponent(id)}${action === undefined ? '' : `/${action}`}`;
  const jira = `${ROUTES.integrations}/jira`;

  return {
    stats: () => read<Stats>(ROUTES.stats),
    incidents: (query = {}) => read<IncidentPage>(`${ROUTES.incidents}${queryString({ limit: 200, ...query })}`),
    incident: (id, minutes = 60) => read<IncidentDetail>(`${incidentPath(id)}${queryString({ minutes })}`),
    acknowledge: async (id) => (await call<Incident>('POST', incidentPath(id, 'ack'), {})).data,
    resolve: async (id) => (await call<Incident>('POST', incidentPath(id, 'resolve'), {})).data,
    createTicket: async (id, notes) => {
      const body = notes.trim() === '' ? {} : { notes: notes.trim() };
      const { status, data } = await call<unknown>('POST', incidentPath(id, 'jira'), body);
      return status === 202 ? { kind: 'queued', detail: data } : { kind: 'linked', ticket: ticketOf(data) };
    },
    merge: async (id, into) => (await call<Incident>('POST', incidentPath(id, 'merge', ROUTES.adminIncidents), { into })).data,
    unmerge: async (id) => (await call<Incident>('POST', incidentPath(id, 'unmerge', ROUTES.adminIncidents), {})).data,
    liveTicket: async () => (await call<LiveTicket>('POST', ROUTES.liveTicket, {})).data,
    jiraSettings: async () => {
      try {
        return (await call<JiraSettingsView>('GET', jira)).data;
      } catch (error) {
        // 404 from the Jira routes means "not configured"; a receiver without those routes answers "no route",
        // Grafana without a matching plugin route "plugin route match not found".
        if (error instanceof ApiRequestError && error.status === 404 && !/^no route|plugin route/.test(error.message)) return null;
        throw error;
      }
    },
    saveJiraSettings: async (settings) => (await call<JiraSettingsView>('PUT', jira, settings)).data,
    removeJiraSettings: async () => {
      await call<unknown>('DELETE', jira);
    },
    testJira: async () => (await call<JiraTestResult>('POST', `${jira}/test`, {})).data,
    jiraStatus: async () => (await call<JiraQueueStatus>('GET', `${jira}/status`)).data,
    retryJira: async () => (await call<JiraRetryResult>('POST', `${jira}/retry`, {})).data,
  };
}

/** The 200 answer may be the link itself or wrap it as `{ ticket }`. */
function ticketOf(data: unknown): TicketLink {
  const body = data as { ticket?: TicketLink } & Partial<TicketLink>;
  return body.ticket ?? (body as TicketLink);
}

function queryString(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
