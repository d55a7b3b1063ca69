import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { freePort } from './network.ts';

export const OPENAI_SPEC = '/work/shared/specs/openai.yaml';
const PRISM = fileURLToPath(new URL('../../../../node_modules/.bin/prism', import.meta.url));

export interface PrismMock {
  /** Where the spec's paths are served (/chat/completions…): the client's base URL. */
  baseUrl: string;
  /** Everything Prism printed so far (its validator reports each request). */
  log(): string;
  close(): Promise<void>;
}

/**
 * OpenAI's document, readable by Prism's validator. The document (OpenAPI 3.1) still uses
 * OpenAPI 3.0's `nullable` in places without a `type` beside it; Ajv refuses to compile such a
 * schema, and Prism then skips validating the request altogether (every body passes). Each
 * such `{ …, nullable: true }` becomes `{ anyOf: [{ … }, { type: 'null' }] }`, which means
 * what the document meant, so that Prism validates /chat/completions for real.
 */
export function validatableOpenAiSpec(dir: string): string {
  let rewritten = 0;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = walk(value);
    if (out.nullable === true && out.type === undefined) {
      const { nullable: _nullable, ...rest } = out;
      rewritten++;
      return { anyOf: [rest, { type: 'null' }] };
    }
    return out;
  };
  const spec = walk(parse(readFileSync(OPENAI_SPEC, 'utf8'), { maxAliasCount: -1 }));
  if (rewritten === 0) throw new Error('the OpenAI document has no type-less nullable any more: serve it as it is');
  const path = join(dir, 'openai.json');
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

/** `prism mock --errors` on OpenAI's document, as a child process on a free port; resolves once it listens. */
export async function startPrismOpenAi(): Promise<PrismMock> {
  const dir = mkdtempSync(join(tmpdir(), 'prism-openai-'));
  const spec = validatableOpenAiSpec(dir);
  const port = await freePort();
  // --errors: a request that breaks the contract is answered with an error, not just a warning.
  const child = spawn(PRISM, ['mock', '--errors', '-h', '127.0.0.1', '-p', String(port), spec], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (output.includes('Prism is listening')) {
        clearInterval(check);
        resolve();
      }
    }, 100);
    void exited.then(() => {
      clearInterval(check);
      reject(new Error(`prism exited before listening:\n${output.slice(-2_000)}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    log: () => output,
    async close() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
