import { Ajv, type Options } from 'ajv';
import ajvErrors from 'ajv-errors';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS: its default export is the function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Request validation as Fastify's default, with one difference: a JSON body keeps its types.
 * Fastify coerces every part (`coerceTypes: 'array'`), which is right for the query string,
 * path and headers — they arrive as text — but turns a body's `"priority": 3` into "3" and lets
 * through what the schema, and so the OpenAPI document, refuses.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  // Inputs with unknown properties are refused (400), not silently trimmed: the schemas are the contract.
  // ajv-errors: a schema's errorMessage says in words what a pattern means (it needs allErrors).
  const options: Options = { removeAdditional: false, useDefaults: true, allErrors: true, strict: false };
  const build = (coerceTypes: Options['coerceTypes']) => {
    const ajv = addFormats(new Ajv({ ...options, coerceTypes }));
    ajvErrors.default(ajv);
    return ajv;
  };
  const text = build('array');
  const json = build(false);
  return ({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema as object);
}
