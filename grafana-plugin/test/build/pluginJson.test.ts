import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist');
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

interface Route {
  path: string;
  method?: string;
  reqRole?: string;
  url: string;
  headers: Array<{ name: string; content: string }>;
}

beforeAll(() => {
  // `npm test` builds first; a lone run of this file builds when dist/ is missing.
  if (!existsSync(join(DIST, 'module.js'))) {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/webpack-cli/bin/cli.js'), 'build', '-c', '.config/webpack/webpack.config.ts', '--env', 'production'],
      { cwd: ROOT, stdio: 'pipe' },
    );
  }
});

describe('the built plugin', () => {
  const validate = () => {
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }); // Grafana's patterns escape '-', which the u flag refuses;
    addFormats.default(ajv);
    return ajv.compile(readJson(join(ROOT, 'test/fixtures/plugin.schema.json')));
  };

  it.each(['plugin.json', 'panels/liveFeed/plugin.json'])('dist/%s is valid against Grafana’s plugin.json schema', (file) => {
    const check = validate();
    const pluginJson = readJson(join(DIST, file));
    expect(check(pluginJson), JSON.stringify(check.errors, null, 2)).toBe(true);
    expect(JSON.stringify(pluginJson)).not.toMatch(/%VERSION%|%TODAY%|%PLUGIN_ID%/);
  });

  it('the schema refuses a plugin.json Grafana would refuse', () => {
    const check = validate();
    const broken = { ...readJson(join(DIST, 'plugin.json')), id: 'StackLens App' };
    expect(check(broken)).toBe(false);
  });

  it('ships an AMD module next to each plugin.json, with Grafana’s libraries left external', () => {
    for (const module of ['module.js', 'panels/liveFeed/module.js']) {
      const code = readFileSync(join(DIST, module), 'utf8');
      expect(code).toMatch(/define\(\[/);
      expect(code).toContain('"@grafana/ui"');
      expect(code).toContain('"react"');
      // One React for Grafana and the plugin: a bundled copy would carry React's internals.
      expect(code).not.toContain('__SECRET_INTERNALS');
    }
  });

  it('ships the logos, the README and every included dashboard', () => {
    const app = readJson(join(DIST, 'plugin.json')) as {
      info: { logos: Record<string, string> };
      includes: Array<{ type: string; path?: string }>;
    };
    for (const logo of Object.values(app.info.logos)) expect(existsSync(join(DIST, logo))).toBe(true);
    expect(existsSync(join(DIST, 'panels/liveFeed/img/logo.svg'))).toBe(true);
    expect(readFileSync(join(DIST, 'README.md'), 'utf8')).toContain('Version 0.1.0');
    const dashboards = app.includes.filter((include) => include.type === 'dashboard');
    expect(dashboards.length).toBeGreaterThanOrEqual(2);
    for (const dashboard of dashboards) expect(readJson(join(DIST, dashboard.path!)).uid).toMatch(/^stacklens-/);
  });

  it('declares routes Grafana’s route tree matches: `*` where sub-paths are meant, each with the token of its role', () => {
    const { routes } = readJson(join(DIST, 'plugin.json')) as { routes: Route[] };
    const tokenOf: Record<string, string> = { Viewer: 'viewerToken', Editor: 'editorToken', Admin: 'adminToken' };
    for (const route of routes) {
      expect(route.url).toMatch(/^\{\{ \.JsonData\.receiverUrl \}\}\/api\//);
      expect(['Viewer', 'Editor', 'Admin']).toContain(route.reqRole);
      expect(route.headers).toEqual([{ name: 'Authorization', content: `Bearer {{ .SecureJsonData.${tokenOf[route.reqRole!]} }}` }]);
      // A route path is matched from its start: a leading slash or a prefix such as `api` alone would match less than meant.
      expect(route.path).toMatch(/^[a-z]/);
    }
    expect(routes.map((route) => `${route.method ?? '*'} ${route.path} ${route.reqRole}`)).toEqual([
      'POST live/ticket Viewer',
      'POST incidents/* Editor',
      'GET incidents/* Viewer',
      'GET incidents Viewer',
      'GET stats Viewer',
      'POST admin/incidents/* Admin',
      '* integrations/* Admin',
    ]);
  });

  it('declares the nested panel with its path and type, as the validator’s includesnested check wants', () => {
    const app = readJson(join(DIST, 'plugin.json')) as { includes: Array<{ type: string; path?: string }> };
    const panel = app.includes.find((include) => include.type === 'panel');
    expect(panel?.path).toBe('panels/liveFeed/plugin.json');
    expect(readJson(join(DIST, panel!.path!)).type).toBe('panel');
  });
});
