/** One HTTP exchange with the plugin proxy: Grafana's backend service in Grafana, fetch in the harness and tests. */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
}

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** An absolute path on the Grafana server, e.g. /api/plugin-proxy/<id>/api/stats */
  url: string;
  body?: unknown;
}

export interface TransportResponse {
  status: number;
  data: unknown;
}
