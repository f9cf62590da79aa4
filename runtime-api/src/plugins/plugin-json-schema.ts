import { Ajv, type ErrorObject, type Options } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default;

/** One thing wrong with a plugin's configuration or parameters: where (JSON pointer) and what. */
export interface SchemaError {
  path: string;
  message: string;
}

/** Checks a value against a compiled schema; an empty list when it passes. */
export type SchemaCheck = (value: unknown) => SchemaError[];

const OPTIONS: Options = {
  allErrors: true,
  // Plugin schemas carry annotations for forms (`title`, `x-…`); unknown keywords are not errors.
  strict: false,
  logger: false,
};

const MAX_ERRORS = 50;

/** JSON pointer escaping of one segment (RFC 6901). */
const segment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * ajv reports `required` and `additionalProperties` at the parent object; operators want the
 * field's own path. Messages never quote the offending value (it may be a secret).
 */
function toSchemaError(e: ErrorObject, prefix: string): SchemaError {
  const p = e.params as { missingProperty?: string; additionalProperty?: string };
  const child =
    e.keyword === 'required'
      ? p.missingProperty
      : e.keyword === 'additionalProperties'
        ? p.additionalProperty
        : undefined;
  const path = prefix + e.instancePath + (child === undefined ? '' : `/${segment(child)}`);
  const message =
    e.keyword === 'required'
      ? 'is required'
      : e.keyword === 'additionalProperties'
        ? 'is not allowed'
        : (e.message ?? `fails ${e.keyword}`);
  return { path: path === '' ? '/' : path, message };
}

/**
 * Compiles a plugin's JSON Schema (draft-07 when it says so, else 2020-12), one ajv per schema so
 * two plugins' `$id`s cannot clash. Throws with ajv's reason when the schema itself is invalid.
 * `prefix` is put before every error path (e.g. `/config` for a request body's `config`).
 */
export function compileSchema(schema: Record<string, unknown>, prefix = ''): SchemaCheck {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const ajv = dialect.includes('draft-07') ? new Ajv(OPTIONS) : new Ajv2020(OPTIONS);
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (value) => {
    if (validate(value)) return [];
    const out: SchemaError[] = [];
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const err = toSchemaError(e, prefix);
      const key = `${err.path}\u0000${err.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(err);
      if (out.length >= MAX_ERRORS) break;
    }
    return out;
  };
}

/** `config/endpoint is required; config/limit must be >= 0` — for log lines and statuses. */
export function describeErrors(errors: readonly SchemaError[]): string {
  return errors.map((e) => `${e.path} ${e.message}`).join('; ');
}
