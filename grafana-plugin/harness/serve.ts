/**
 * The standalone harness: a Vite dev server rendering the plugin's real pages with Grafana's
 * theme, against a running receiver, behind an emulation of Grafana's plugin proxy (the
 * receiver's admin token is added here, never sent to the browser) and of Grafana's plugin
 * settings API.
 *
 *   STACKLENS_RECEIVER_URL=http://127.0.0.1:4318 STACKLENS_ADMIN_TOKEN=… npm run harness -w @stacklens/grafana-plugin
 */
import react from '@vitejs/plugin-react';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { createPluginProxy, type AppSettings } from './pluginProxy.ts';

const ROOT = dirname(fileURLToPath(import.meta.url));

export interface HarnessOptions {
  receiverUrl: string;
  adminToken: string;
  port?: number;
}

export interface Harness {
  url: string;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const settings: AppSettings = {
    jsonData: { receiverUrl: options.receiverUrl, receiverPublicUrl: options.receiverUrl },
    secureJsonData: { receiverToken: options.adminToken },
  };
  const pluginProxy = createPluginProxy(join(ROOT, '../src/plugin.json'), () => settings);
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    plugins: [
      react(),
      {
        name: 'grafana-emulation',
        configureServer(vite) {
          vite.middlewares.use((request, response, next) => void pluginProxy(request, response, next));
          vite.middlewares.use((request, response, next) => pluginSettings(request, response, next, settings));
        },
      },
    ],
    server: { host: '127.0.0.1', port: options.port ?? 0, strictPort: false },
    // The pages are served for every path; the client-side router picks the page.
    appType: 'spa',
  });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** Grafana's GET/POST /api/plugins/<id>/settings: jsonData and which secrets are set, never their values. */
function pluginSettings(request: IncomingMessage, response: ServerResponse, next: () => void, settings: AppSettings): void {
  if (!request.url?.startsWith('/api/plugins/stacklens-stacklens-app/settings')) return next();
  if (request.method === 'POST') {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const update = JSON.parse(body || '{}') as Partial<AppSettings>;
      if (update.jsonData) settings.jsonData = update.jsonData;
      if (update.secureJsonData) settings.secureJsonData = { ...settings.secureJsonData, ...update.secureJsonData };
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"Plugin settings updated"}');
    });
    return;
  }
  const secureJsonFields = Object.fromEntries(Object.keys(settings.secureJsonData).map((key) => [key, true]));
  response
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ id: 'stacklens-stacklens-app', enabled: true, pinned: true, jsonData: settings.jsonData, secureJsonFields }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const receiverUrl = process.env.STACKLENS_RECEIVER_URL ?? 'http://127.0.0.1:4318';
  const adminToken = process.env.STACKLENS_ADMIN_TOKEN;
  if (!adminToken) {
    console.error('Set STACKLENS_ADMIN_TOKEN to the receiver’s admin token (printed by npm start, or in data/api-tokens.json).');
    process.exit(1);
  }
  const harness = await startHarness({ receiverUrl, adminToken, port: Number(process.env.HARNESS_PORT ?? 5173) });
  console.log(`StackLens plugin harness on ${harness.url}/live (receiver ${receiverUrl})`);
}
