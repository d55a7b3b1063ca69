/**
 * The standalone harness: a Vite dev server rendering the plugin's real pages with Grafana's
 * theme, against a running receiver, behind a port of Grafana's plugin proxy and plugin settings
 * API (./grafana/) — the receiver's tokens stay in this (server) process, as they stay in
 * Grafana's. Three users (viewer, editor, admin) with those org roles; a browser is signed in as
 * admin unless it opens /login?user=viewer (or editor).
 *
 *   npm run harness -w @stacklens/grafana-plugin
 *
 * The tokens come from STACKLENS_VIEWER_TOKEN, STACKLENS_EDITOR_TOKEN and STACKLENS_ADMIN_TOKEN, else from the
 * tokens file `npm start` generates (`$STACKLENS_DATA_DIR/api-tokens.json`, `./data` at the repository's root).
 */
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { GrafanaServer, type PluginJson } from './grafana/grafanaServer.ts';
import type { ProxyConfig } from './grafana/pluginProxy.ts';
import { signedInUser, type SignedInUser } from './grafana/signedInUser.ts';

const ROOT = dirname(fileURLToPath(import.meta.url));

export interface ReceiverTokens {
  viewer: string;
  editor: string;
  admin: string;
}

export interface HarnessOptions {
  receiverUrl: string;
  tokens: ReceiverTokens;
  port?: number;
  proxy?: ProxyConfig;
}

export const HARNESS_USERS: Record<'viewer' | 'editor' | 'admin', SignedInUser> = {
  viewer: signedInUser(2, 'viewer', 'Viewer', { Name: 'Vera Viewer' }),
  editor: signedInUser(3, 'editor', 'Editor', { Name: 'Eddie Editor' }),
  admin: signedInUser(4, 'admin', 'Admin', { Name: 'Ada Admin' }),
};

export interface Harness {
  url: string;
  grafana: GrafanaServer;
  close(): Promise<void>;
}

export function loadPluginJson(): PluginJson {
  return JSON.parse(readFileSync(join(ROOT, '../src/plugin.json'), 'utf8')) as PluginJson;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const grafana = new GrafanaServer({
    plugin: loadPluginJson(),
    settings: {
      jsonData: { receiverUrl: options.receiverUrl, receiverPublicUrl: options.receiverUrl },
      secureJsonData: { viewerToken: options.tokens.viewer, editorToken: options.tokens.editor, adminToken: options.tokens.admin },
    },
    users: Object.values(HARNESS_USERS),
    defaultLogin: 'admin',
    proxy: options.proxy,
  });
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    plugins: [
      react(),
      {
        name: 'grafana-emulation',
        configureServer(vite) {
          vite.middlewares.use((request, response, next) => void grafana.handle(request, response, next));
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
  return { url: `http://127.0.0.1:${port}`, grafana, close: () => server.close() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const receiverUrl = process.env.STACKLENS_RECEIVER_URL ?? 'http://127.0.0.1:4318';
  const { viewer, editor, admin } = receiverTokens();
  if (!viewer || !editor || !admin) {
    console.error(
      `No receiver tokens: start StackLens first (npm start writes ${tokensFile()}), or set STACKLENS_VIEWER_TOKEN, STACKLENS_EDITOR_TOKEN and STACKLENS_ADMIN_TOKEN.`,
    );
    process.exit(1);
  }
  const harness = await startHarness({ receiverUrl, tokens: { viewer, editor, admin }, port: Number(process.env.HARNESS_PORT ?? 5173) });
  console.log(`StackLens plugin harness on ${harness.url}/live (receiver ${receiverUrl}); /login?user=viewer|editor|admin to switch`);
}

function tokensFile(): string {
  // As `npm start` sees it: relative to the repository's root.
  return join(resolve(ROOT, '..', '..', process.env.STACKLENS_DATA_DIR ?? 'data'), 'api-tokens.json');
}

/** The tokens from the environment, each missing one from the receiver's tokens file when there is one. */
function receiverTokens(): { viewer?: string; editor?: string; admin?: string } {
  let file: { viewer?: string; editor?: string; admin?: string } = {};
  try {
    file = JSON.parse(readFileSync(tokensFile(), 'utf8')) as typeof file;
  } catch {
    // No file (the receiver has not run here, or its tokens come from the environment).
  }
  const env = process.env;
  return {
    viewer: env.STACKLENS_VIEWER_TOKEN || file.viewer,
    editor: env.STACKLENS_EDITOR_TOKEN || file.editor,
    admin: env.STACKLENS_ADMIN_TOKEN || file.admin,
  };
}
