import type { FastifyInstance } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { publicDir } from '../src/routes/webPage.ts';
import { startTelemetryHarness, type TelemetryHarness } from './support/telemetryHarness.ts';

let harness: TelemetryHarness;
let app: FastifyInstance;

beforeAll(async () => {
  harness = await startTelemetryHarness();
  app = await buildApp({ telemetry: harness.telemetry });
});

afterAll(async () => {
  await app.close();
  await harness.close();
});

describe('the till page', () => {
  it('is served as HTML at / and loads its script and styles', async () => {
    const response = await app.inject('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('<script type="module" src="/app.js">');
    expect(response.body).toContain('href="/styles.css"');
    expect(response.body).toContain('data-testid="place-order"');
  });

  it('serves a script that talks to the POS API', async () => {
    const response = await app.inject('/app.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    for (const route of ['/api/products', '/api/stores', '/api/orders']) expect(response.body).toContain(route);
  });

  it('serves the stylesheet', async () => {
    const response = await app.inject('/styles.css');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/css/);
  });

  it('has a script that parses and never writes server data as markup', async () => {
    const script = await readFile(join(publicDir, 'app.js'), 'utf8');
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    // Compiles the script without running it (it has no imports), so a syntax error fails here.
    expect(() => new Function(script)).not.toThrow();
  });
});
