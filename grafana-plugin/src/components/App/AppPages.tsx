import { Alert } from '@grafana/ui';
import { PAGES } from '../../constants.ts';
import { IncidentPage } from '../../pages/IncidentPage.tsx';
import { LiveErrorsPage } from '../../pages/LiveErrorsPage.tsx';

export interface AppPagesProps {
  /** The path below the app's base URL, e.g. "live" or "incident". */
  page: string;
  search: string;
}

/** Picks the page for a location: the same pages inside Grafana and in the harness. */
export function AppPages({ page, search }: AppPagesProps) {
  if (page === PAGES.incident) {
    const id = new URLSearchParams(search).get('id');
    if (!id) return <Alert severity="warning" title="No incident chosen: open one from the live errors page." />;
    return <IncidentPage key={id} id={id} />;
  }
  return <LiveErrorsPage />;
}

/** The first path segment below `basename` ("" for the base itself). */
export function pageOf(pathname: string, basename: string): string {
  const rest = pathname.startsWith(basename) ? pathname.slice(basename.length) : pathname;
  return rest.replace(/^\/+/, '').split('/')[0] ?? '';
}

export function pageUrlFor(basename: string) {
  return (page: string, params: Record<string, string> = {}): string => {
    const query = new URLSearchParams(params).toString();
    return `${basename}/${page}${query ? `?${query}` : ''}`;
  };
}
