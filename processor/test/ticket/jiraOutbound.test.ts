import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundPolicy } from '../../src/outbound/index.ts';
import { testConnection } from '../../src/ticket/connectionTest.ts';
import { JiraGateway } from '../../src/ticket/JiraGateway.ts';

const settings = {
  email: 'bot@example.com',
  apiToken: 'jira-token-never-elsewhere',
  projectKey: 'POS',
  issueType: 'Bug',
  priorityMap: {},
};

describe('Jira calls under the outbound policy', () => {
  let site: Server;
  let elsewhere: Server;
  let siteUrl = '';
  const elsewhereHits: Array<string | undefined> = [];

  beforeAll(async () => {
    elsewhere = createServer((request, response) => {
      elsewhereHits.push(request.headers.authorization);
      response.setHeader('content-type', 'application/json').end('{"accountId":"metadata","displayName":"instance secrets"}');
    });
    await listen(elsewhere);
    const elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    site = createServer((_request, response) => response.writeHead(302, { location: `${elsewhereUrl}/latest/meta-data` }).end());
    await listen(site);
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    site.close();
    elsewhere.close();
  });

  it('refuses a site at a private address, before anything is sent', async () => {
    const result = await testConnection({ ...settings, baseUrl: siteUrl }, { outbound: new OutboundPolicy({ allowPrivate: false }) });
    expect(result.ok).toBe(false);
    expect(result.checks[0]).toMatchObject({ name: 'credentials', ok: false });
    expect(result.message).toMatch(
      /the Jira call was not made: 127\.0\.0\.1:\d+ is a loopback address: set STACKLENS_ALLOW_PRIVATE_TARGETS=true/,
    );
  });

  it('does not follow the site’s redirect to another origin, so neither the token nor the answer crosses', async () => {
    const result = await testConnection({ ...settings, baseUrl: siteUrl }, { outbound: new OutboundPolicy({ allowPrivate: true }) });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/redirected to another origin/);
    expect(result.message).not.toContain('instance secrets');
    expect(elsewhereHits).toEqual([]);
  });

  it('leaves every other fetch of the process as it was', async () => {
    const gateway = new JiraGateway({ ...settings, baseUrl: siteUrl }, { outbound: new OutboundPolicy({ allowPrivate: true }) });
    await gateway.myself().catch(() => undefined);
    // Outside a Jira call the global fetch still follows redirects.
    const response = await fetch(`${siteUrl}/anything`);
    expect(await response.json()).toMatchObject({ displayName: 'instance secrets' });
    expect(elsewhereHits).toHaveLength(1);
  });
});

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}
