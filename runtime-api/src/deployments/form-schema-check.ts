import { Ajv, type ErrorObject } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { DeploymentProblem } from './deployment-problem.js';

const addFormats = addFormatsModule.default;

/** JSON Schema dialects a form may declare in `$schema`; none means 2020-12. */
const DIALECTS: Record<string, () => Ajv> = {
  'https://json-schema.org/draft/2020-12/schema': () => new Ajv2020(OPTIONS),
  'https://json-schema.org/draft/2019-09/schema': () => new Ajv2019(OPTIONS),
  'http://json-schema.org/draft-07/schema': () => new Ajv(OPTIONS),
};

/**
 * Strict about the schema itself (an unknown keyword or format is a typo that would silently
 * validate nothing), not about type combinations a form author may write on purpose. Nothing is
 * fetched: a `$ref` to another document is an error.
 */
const OPTIONS = {
  strict: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allErrors: true,
  logger: false,
} as const;

/** `x-…` keys carry presentation hints (titles in other languages, enum labels): allowed anywhere. */
function extensionKeywords(schema: unknown, out = new Set<string>()): Set<string> {
  const pending = [schema];
  while (pending.length > 0) {
    const v = pending.pop();
    if (Array.isArray(v)) pending.push(...(v as unknown[]));
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) {
        if (k.startsWith('x-')) out.add(k);
        pending.push(x);
      }
  }
  return out;
}

/** The JSON pointer of the first `key` in the schema (for ajv's "unknown keyword" errors). */
function pointerOf(schema: unknown, key: string): string | undefined {
  const pending: Array<{ v: unknown; path: string }> = [{ v: schema, path: '' }];
  while (pending.length > 0) {
    const { v, path } = pending.shift()!;
    if (typeof v !== 'object' || v === null) continue;
    for (const [k, x] of Object.entries(v)) {
      const here = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (k === key && !Array.isArray(v)) return here;
      pending.push({ v: x, path: here });
    }
  }
  return undefined;
}

function fromMetaSchema(errors: ErrorObject[]): Array<{ schemaPath: string; message: string }> {
  // One mistake fails several branches of the meta-schema (enum, anyOf …): one report per place.
  const byPath = new Map<string, string>();
  for (const e of errors) {
    const path = e.instancePath || '/';
    if (!byPath.has(path)) byPath.set(path, e.message ?? 'is invalid');
  }
  return [...byPath].map(([schemaPath, message]) => ({ schemaPath, message }));
}

/**
 * Checks that a parsed form resource is a JSON Schema ajv (+ ajv-formats) compiles. Problems carry
 * code INVALID_FORM_SCHEMA, the resource and the JSON pointer of the offending part.
 */
export function checkFormSchema(resource: string, schema: unknown): DeploymentProblem[] {
  const problem = (schemaPath: string, message: string): DeploymentProblem => ({
    code: 'INVALID_FORM_SCHEMA',
    resource,
    schemaPath,
    message: `${schemaPath === '/' ? 'the schema' : schemaPath}: ${message}`,
  });
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return [problem('/', 'a form schema must be a JSON object')];
  const declared = (schema as { $schema?: unknown }).$schema;
  const dialect =
    declared === undefined
      ? DIALECTS['https://json-schema.org/draft/2020-12/schema']!
      : typeof declared === 'string'
        ? DIALECTS[declared.replace(/#$/, '')]
        : undefined;
  if (!dialect)
    return [
      problem(
        '/$schema',
        `unsupported $schema ${JSON.stringify(declared)} (use ${Object.keys(DIALECTS).join(', ')})`,
      ),
    ];
  const ajv = dialect();
  addFormats(ajv);
  for (const keyword of extensionKeywords(schema)) ajv.addKeyword({ keyword });
  if (!ajv.validateSchema(schema))
    return fromMetaSchema(ajv.errors ?? []).map((e) => problem(e.schemaPath, e.message));
  try {
    ajv.compile(schema);
    return [];
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const unknownKeyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
    const atPath = /at path "#([^"]*)"/.exec(message)?.[1];
    const path =
      (unknownKeyword !== undefined ? pointerOf(schema, unknownKeyword) : undefined) ??
      (atPath || '/');
    return [problem(path, message.replace(/^strict mode: /, ''))];
  }
}
