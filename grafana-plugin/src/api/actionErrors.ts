import { ApiRequestError, errorMessage } from './ApiRequestError.ts';

/** Grafana's plugin proxy refusing a route for the user's role (pkg/api/pluginproxy/pluginproxy.go). */
const PROXY_DENIED = 'plugin proxy route access denied';

/**
 * What went wrong with an admin action on an incident, in words a person can act on: who refused
 * (Grafana's proxy or the receiver), and what to do about it.
 */
export function adminActionError(action: string, error: unknown): string {
  if (!(error instanceof ApiRequestError)) return `Could not ${action}: ${errorMessage(error)}`;
  const { status, message } = error;
  const prefix = `Could not ${action} (HTTP ${status}): ${message}`;
  switch (status) {
    case 401:
      return `${prefix}. The receiver did not accept the app's admin token: set it on the app's configuration page.`;
    case 403:
      return message === PROXY_DENIED
        ? `${prefix}. Only Grafana Admins may merge or unmerge incidents.`
        : `${prefix}. The app's admin token is not the receiver's admin token (STACKLENS_ADMIN_TOKEN): set it on the configuration page.`;
    case 404:
      return `${prefix}. It may have been merged or expired: search for it again.`;
    default:
      // 409 (the incidents' state: one already, into itself, one of them merged meanwhile) or 400: the receiver's words say which.
      return status === 0 || status >= 500 ? `${prefix}. Try again when the receiver is reachable.` : `${prefix}.`;
  }
}
