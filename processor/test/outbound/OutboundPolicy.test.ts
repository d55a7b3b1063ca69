import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundPolicy, OutboundRefusedError, outboundRefusal, peerText, privateAddressKind } from '../../src/outbound/index.ts';

describe('privateAddressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['fc00::1', 'private'],
    ['0.0.0.0', 'this network'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
  ])('%s is refused (%s)', (address, kind) => {
    expect(privateAddressKind(address)).toContain(kind);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8', 'example.com'])(
    '%s passes',
    (address) => {
      expect(privateAddressKind(address)).toBeUndefined();
    },
  );
});

describe('OutboundPolicy.check', () => {
  const strict = new OutboundPolicy({ allowPrivate: false });

  it.each([
    'http://127.0.0.1:8080/',
    'http://[::1]/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.5/',
    'http://localhost:3000/',
    'http://api.localhost/',
    'http://0.0.0.0/',
  ])('refuses %s, saying how to allow it', (url) => {
    expect(() => strict.check(url)).toThrow(OutboundRefusedError);
    expect(() => strict.check(url)).toThrow(/STACKLENS_ALLOW_PRIVATE_TARGETS=true/);
  });

  it('lets public hosts through, and everything when private targets are allowed', () => {
    expect(strict.check('https://your-domain.atlassian.net/').hostname).toBe('your-domain.atlassian.net');
    expect(new OutboundPolicy({ allowPrivate: true }).check('http://127.0.0.1:1/').port).toBe('1');
  });

  it('calls only http and https', () => {
    expect(() => new OutboundPolicy({ allowPrivate: true }).check('file:///etc/passwd')).toThrow(/use http or https/);
  });

  it('reads STACKLENS_ALLOW_PRIVATE_TARGETS: true allows, unset or false refuses, anything else is an error', () => {
    expect(OutboundPolicy.fromEnv({ STACKLENS_ALLOW_PRIVATE_TARGETS: 'true' }).allowPrivate).toBe(true);
    expect(OutboundPolicy.fromEnv({ STACKLENS_ALLOW_PRIVATE_TARGETS: 'false' }).allowPrivate).toBe(false);
    expect(OutboundPolicy.fromEnv({}).allowPrivate).toBe(false);
    expect(() => OutboundPolicy.fromEnv({ STACKLENS_ALLOW_PRIVATE_TARGETS: 'yes' })).toThrow(/expected true or false/);
  });
});

describe('OutboundPolicy.fetch', () => {
  let target: Server;
  let other: Server;
  let base = '';
  let otherBase = '';
  const hits: string[] = [];

  beforeAll(async () => {
    other = createServer((request, response) => {
      hits.push(`other ${request.url}`);
      response.end('secret from another origin');
    });
    target = createServer((request, response) => {
      hits.push(`target ${request.url}`);
      if (request.url === '/elsewhere') return response.writeHead(302, { location: `${otherBase}/metadata` }).end();
      if (request.url === '/moved') return response.writeHead(301, { location: '/here' }).end();
      if (request.url === '/loop') return response.writeHead(302, { location: '/loop' }).end();
      if (request.url === '/post-moved') return response.writeHead(302, { location: '/here' }).end();
      response.end(`at ${request.url}`);
    });
    await Promise.all([listen(target), listen(other)]);
    base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    target.close();
    other.close();
  });

  it('refuses a name that resolves to a private address when connecting, without sending anything', async () => {
    const strict = new OutboundPolicy({ allowPrivate: false });
    const port = (target.address() as AddressInfo).port;
    hits.length = 0;
    // This machine's own name resolves to a loopback or private address.
    const error = await strict.fetch(`http://${hostname()}:${port}/x`).catch((e: unknown) => e);
    expect(outboundRefusal(error)?.message).toMatch(/resolves to .*(loopback|private)/);
    expect(hits).toEqual([]);
    await strict.close();
  });

  it('follows a redirect within the origin, refuses one to another origin and never calls it', async () => {
    const open = new OutboundPolicy({ allowPrivate: true });
    hits.length = 0;
    expect(await (await open.fetch(`${base}/moved`)).text()).toBe('at /here');
    const error = await open.fetch(`${base}/elsewhere`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect((error as Error).message).toMatch(/redirected to another origin/);
    expect(hits.filter((hit) => hit.startsWith('other'))).toEqual([]);
    await expect(open.fetch(`${base}/loop`)).rejects.toThrow(/more than 5 redirects/);
    await expect(open.fetch(`${base}/post-moved`, { method: 'POST', body: '{}' })).rejects.toThrow(/POST with a 302 redirect/);
    await open.close();
  });
});

describe('peerText', () => {
  it('collapses markup, redacts credentials and addresses, and cuts', () => {
    const text = peerText(
      `<html><body><h1>Error</h1> token=abcdef123456 from 10.0.0.7 user a@b.example ${'x'.repeat(1_000)}</body></html>`,
    );
    expect(text).not.toMatch(/abcdef123456|10\.0\.0\.7|a@b\.example|<h1>/);
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text.endsWith('…')).toBe(true);
  });
});

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}
