import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** One thing wrong with submitted form data: a JSON pointer into the data and what is wrong there. */
export interface FormError {
  path: string;
  message: string;
}

/** Checks data against a compiled form schema; an empty list when it passes. */
export type FormCheck = (data: unknown) => FormError[];

/** More than this many errors helps nobody fill in a form and only grows the response. */
const MAX_ERRORS = 50;

const OPTIONS: Options = {
  allErrors: true,
  // Form schemas carry annotations of their own (`x-title-zh`, `x-enum-titles`, …).
  strict: false,
  logger: false,
};

/** The validator class for the schema's declared dialect (2020-12 when it declares none). */
function ajvFor(schema: Record<string, unknown>): Ajv {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const ajv =
    dialect.includes('draft-07') || dialect.includes('draft-06')
      ? new Ajv(OPTIONS)
      : dialect.includes('2019-09')
        ? new Ajv2019(OPTIONS)
        : new Ajv2020(OPTIONS);
  addFormats.default(ajv);
  return ajv;
}

/** JSON pointer escaping of one segment (RFC 6901). */
const segment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Where an error is: ajv reports `required` and `additionalProperties` at the parent object. */
function pathOf(e: ErrorObject): string {
  const p = e.params as { missingProperty?: string; additionalProperty?: string };
  const child =
    e.keyword === 'required'
      ? p.missingProperty
      : e.keyword === 'additionalProperties'
        ? p.additionalProperty
        : undefined;
  const path = child === undefined ? e.instancePath : `${e.instancePath}/${segment(child)}`;
  return path === '' ? '/' : path;
}

function messageOf(e: ErrorObject): string {
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'additionalProperties') return 'is not allowed';
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return e.message ?? `fails ${e.keyword}`;
}

export function formErrors(errors: readonly ErrorObject[] | null | undefined): FormError[] {
  const out: FormError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const err = { path: pathOf(e), message: messageOf(e) };
    const key = `${err.path}\u0000${err.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(err);
    if (out.length >= MAX_ERRORS) break;
  }
  return out;
}

/**
 * Compiles a form schema (one fresh ajv per schema: two versions of a form may share an `$id`).
 * Throws with ajv's reason when the schema itself is not valid JSON Schema.
 */
export function compileForm(schema: Record<string, unknown>): FormCheck {
  const validate: ValidateFunction = ajvFor(schema).compile(schema);
  return (data) => (validate(data) ? [] : formErrors(validate.errors));
}
