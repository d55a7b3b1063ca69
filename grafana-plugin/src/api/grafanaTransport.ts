import { getBackendSrv, type FetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import type { Transport, TransportRequest, TransportResponse } from './Transport.ts';

/** The transport inside Grafana: its backend service, so the session cookie goes along and errors are not toasted twice. */
export function grafanaTransport(): Transport {
  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      try {
        const response = await lastValueFrom(
          getBackendSrv().fetch<unknown>({
            url: request.url,
            method: request.method,
            data: request.body,
            showErrorAlert: false,
            showSuccessAlert: false,
          }),
        );
        return { status: response.status, data: response.data };
      } catch (error) {
        const failed = error as Partial<FetchError>;
        return { status: failed.status ?? 0, data: failed.data ?? { message: String(failed.statusText ?? error) } };
      }
    },
  };
}
