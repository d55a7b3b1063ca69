import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET_KEY_FILE, SecretBox, SecretKeyError } from '../../src/settings/SecretBox.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'stacklens-secretbox-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals with AES-256-GCM: a fresh IV each time, and opens what it sealed', () => {
    const a = box.seal('ATATT3x-token', 'jira');
    const b = box.seal('ATATT3x-token', 'jira');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v2\.[^.]+\.[^.]+\.[^.]+$/);
    expect(a).not.toContain('ATATT3x');
    expect(box.open(a, 'jira')).toBe('ATATT3x-token');
    expect(box.open(box.seal('', 'x'), 'x')).toBe('');
    expect(box.open(box.seal('ünïcödé 🔑', 'x'), 'x')).toBe('ünïcödé 🔑');
  });

  it('refuses a value sealed for another name, under another key, altered, or not sealed at all', () => {
    const sealed = box.seal('secret', 'jira');
    expect(() => box.open(sealed, 'ai')).toThrow(SecretKeyError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'jira')).toThrow(/another STACKLENS_SECRET_KEY/);
    const [format, iv, tag, data] = sealed.split('.');
    const flipped = Buffer.from(data!, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([format, iv, tag, flipped.toString('base64')].join('.'), 'jira')).toThrow(SecretKeyError);
    expect(() => box.open('plain text', 'jira')).toThrow('a stored secret is not in the expected format');
    expect(() => box.open(`v3.${iv}.${tag}.${data}`, 'jira')).toThrow(SecretKeyError);
    // v1 bound only the name: such a value is not opened, whatever it holds.
    expect(() => box.open(`v1.${iv}.${tag}.${data}`, 'jira')).toThrow(/older version: enter it again/);
  });

  it('binds the context: a value sealed for one site and e-mail does not open for another', () => {
    const site = { baseUrl: 'https://a.atlassian.net', email: 'bot@example.com' };
    const sealed = box.seal('token', 'jira', site);
    expect(box.open(sealed, 'jira', { email: site.email, baseUrl: site.baseUrl })).toBe('token');
    expect(() => box.open(sealed, 'jira', { ...site, baseUrl: 'https://evil.example.com' })).toThrow(/enter it again/);
    expect(() => box.open(sealed, 'jira', { ...site, email: 'other@example.com' })).toThrow(SecretKeyError);
    expect(() => box.open(sealed, 'jira')).toThrow(SecretKeyError);
  });

  it('opens full-length tags only', () => {
    const [format, iv, tag, data] = box.seal('secret', 'jira').split('.');
    for (const length of [4, 8, 12, 15]) {
      const cut = Buffer.from(tag!, 'base64').subarray(0, length).toString('base64');
      expect(() => box.open([format, iv, cut, data].join('.'), 'jira')).toThrow(`tag is ${length} bytes, not 16`);
    }
  });

  it('refuses keys that are not random: repeated bytes, all zero, printable text', () => {
    expect(() => new SecretBox(Buffer.alloc(32))).toThrow(/not random/);
    expect(() => new SecretBox(Buffer.alloc(32, 0xab))).toThrow(/not random/);
    expect(() => new SecretBox(Buffer.from('0123456789abcdef'.repeat(2)))).toThrow(/printable text/);
    expect(() => SecretBox.fromSource({ secretKey: '00'.repeat(32), dataDir: tempDir() })).toThrow(
      /STACKLENS_SECRET_KEY is not random.*openssl rand/,
    );
  });

  it('takes a 32-byte key only', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow('the secret key must be 32 bytes, not 16');
  });

  it('reads STACKLENS_SECRET_KEY as 64 hex digits or base64, and says how to make one when it is wrong', () => {
    const key = randomBytes(32);
    const sealed = new SecretBox(key).seal('s', 'n');
    expect(SecretBox.fromSource({ secretKey: key.toString('hex'), dataDir: tempDir() }).open(sealed, 'n')).toBe('s');
    expect(SecretBox.fromSource({ secretKey: ` ${key.toString('base64')}\n`, dataDir: tempDir() }).open(sealed, 'n')).toBe('s');
    expect(() => SecretBox.fromSource({ secretKey: 'too-short', dataDir: tempDir() })).toThrow(/openssl rand -base64 32/);
  });

  it('creates a key file (mode 0600) on first start and reads the same key afterwards', () => {
    const dir = join(tempDir(), 'nested');
    const first = SecretBox.fromSource({ dataDir: dir });
    const file = join(dir, SECRET_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    const sealed = first.seal('kept', 'jira');
    expect(SecretBox.fromSource({ dataDir: dir }).open(sealed, 'jira')).toBe('kept');
  });

  it('tells what to do with a damaged key file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, SECRET_KEY_FILE), 'garbage\n', { mode: 0o644 });
    expect(() => SecretBox.fromSource({ dataDir: dir })).toThrow(
      /does not hold a 32-byte key in base64; delete it only if no secret was saved with it/,
    );
    // The permissions are tightened even so.
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
  });
});
