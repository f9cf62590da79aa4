/**
 * Turns a configuration given over the API into what is stored: non-secret fields as given,
 * secret fields kept unless replaced (a form sends back `********` / `{set:true}` for a secret it
 * never saw; `null` removes one), and the result checked against the plugin's configSchema
 * before anything is stored.
 */
import type { StoredPluginConfig } from './plugin-config-store.js';
import { describeErrors, type SchemaCheck, type SchemaError } from './plugin-json-schema.js';
import { MASK } from './secret-redactor.js';

/** A configuration change as given over the API. */
export type ConfigInput = Record<string, unknown>;

/** The configuration does not fit the schema; `errors` point into the request body (`/config/…`). */
export class PluginConfigInvalid extends Error {
  constructor(readonly errors: SchemaError[]) {
    super(`the configuration is invalid: ${describeErrors(errors)}`);
  }
}

/** `********` or `{set: true}`: "keep the stored secret". */
const isSetMarker = (v: unknown) =>
  v === MASK ||
  (typeof v === 'object' && v !== null && (v as Record<string, unknown>).set === true);

/** What to store: values and secrets, split by the manifest's secret fields. */
export interface ConfigToStore {
  values: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

/** Applies `input` over `stored`; throws PluginConfigInvalid when the result fails `check`. */
export function configToStore(
  input: ConfigInput,
  stored: StoredPluginConfig | undefined,
  secretFields: ReadonlySet<string>,
  check: SchemaCheck | undefined,
): ConfigToStore {
  const values: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const f of secretFields)
    if (stored?.secrets[f] !== undefined) secrets[f] = stored.secrets[f];
  for (const [k, v] of Object.entries(input)) {
    if (!secretFields.has(k)) values[k] = v;
    else if (v === null) delete secrets[k];
    else if (!isSetMarker(v)) secrets[k] = v;
  }
  const errors = check?.({ ...values, ...secrets }) ?? [];
  if (errors.length > 0)
    throw new PluginConfigInvalid(
      errors.map((e) => ({ ...e, path: `/config${e.path === '/' ? '' : e.path}` })),
    );
  return { values, secrets };
}
