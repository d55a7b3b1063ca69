import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startPrism, type PrismServer } from './prismServer.ts';
import { OPENAI_SPEC } from './specs.ts';

/**
 * OpenAI's document, readable by Prism's validator. The document (OpenAPI 3.1) still uses
 * OpenAPI 3.0's `nullable` in places without a `type` beside it; Ajv refuses to compile such a
 * schema, and Prism then skips validating the request altogether (every body passes). Each
 * such `{ …, nullable: true }` becomes `{ anyOf: [{ … }, { type: 'null' }] }`, which means
 * what the document meant, so that Prism validates /chat/completions for real.
 */
function validatableOpenAiSpec(dir: string): string {
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

/** `prism mock --errors` on OpenAI's document: a request that breaks the contract is answered with an error, not just a warning. */
export async function startPrismOpenAi(): Promise<PrismServer> {
  const dir = mkdtempSync(join(tmpdir(), 'prism-openai-'));
  try {
    const prism = await startPrism(validatableOpenAiSpec(dir), ['--errors']);
    return {
      ...prism,
      async close() {
        await prism.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
