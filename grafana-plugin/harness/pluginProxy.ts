import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';

/**
 * Grafana's plugin proxy, as far as the harness needs it: requests to
 * /api/plugin-proxy/<id>/<route path>/… go to the route's URL with its headers, both
 * templated from the app's jsonData and secureJsonData, exactly as plugin.json declares them.
 * The token stays in this (server) process; the browser only ever sees the proxy paths.
 */
export interface AppSettings {
  jsonData: Record<string, string | undefined>;
  secureJsonData: Record<string, string>;
}

interface Route {
  path: string;
  method?: string;
  url: string;
  headers?: Array<{ name: string; content: string }>;
}

export function createPluginProxy(pluginJsonPath: string, settings: () => AppSettings) {
  const plugin = JSON.parse(readFileSync(pluginJsonPath, 'utf8')) as { id: string; routes: Route[] };
  const prefix = `/api/plugin-proxy/${plugin.id}/`;
  const fill = (template: string) =>
    template.replace(/\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g, (_match, kind: string, key: string) => {
      const { jsonData, secureJsonData } = settings();
      return (kind === 'JsonData' ? jsonData[key] : secureJsonData[key]) ?? '';
    });

  return async function pluginProxy(request: IncomingMessage, response: ServerResponse, next: () => void): Promise<void> {
    if (!request.url?.startsWith(prefix)) return next();
    const proxyPath = request.url.slice(prefix.length);
    const route = plugin.routes.find(
      (candidate) =>
        proxyPath.startsWith(candidate.path) && (!candidate.method || candidate.method === '*' || candidate.method === request.method),
    );
    if (!route) {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: `no plugin route for ${request.method} ${proxyPath}` }));
      return;
    }
    const target = fill(route.url) + proxyPath.slice(route.path.length);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.headers['content-type']) headers['content-type'] = request.headers['content-type'];
    for (const header of route.headers ?? []) headers[header.name] = fill(header.content);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      const answer = await fetch(target, {
        method: request.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      response
        .writeHead(502, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: `bad gateway: ${(error as Error).message}` }));
    }
  };
}
