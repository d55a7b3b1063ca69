import { createContext, useContext, type ReactNode } from 'react';
import type { StackLensApi } from './api/StackLensApi.ts';
import type { GrafanaUser } from './grafanaUser.ts';
import type { SocketFactory } from './live/LiveFeedClient.ts';

/** What every page needs: the API (through the proxy), where the live feed is, how to move between pages. */
export interface StackLensServices {
  api: StackLensApi;
  /** The receiver's browser-reachable URL for the WebSocket feed; undefined when not configured. */
  liveUrl: string | undefined;
  openSocket?: SocketFactory;
  /** The URL of a page of the app (Grafana's /a/<id>/…, or the harness's own). */
  pageUrl: (page: string, params?: Record<string, string>) => string;
  navigate: (url: string) => void;
  /** The signed-in user, to offer only the actions the proxy lets them take; undefined: none of the restricted ones. */
  user?: GrafanaUser;
}

const Context = createContext<StackLensServices | undefined>(undefined);

export function StackLensProvider({ services, children }: { services: StackLensServices; children: ReactNode }) {
  return <Context.Provider value={services}>{children}</Context.Provider>;
}

export function useStackLens(): StackLensServices {
  const services = useContext(Context);
  if (!services) throw new Error('useStackLens: no StackLensProvider above this component');
  return services;
}
