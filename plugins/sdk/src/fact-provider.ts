import type { PluginContext } from './plugin-context.js';
import type { JsonSchema, JsonValue } from './json-schema.js';

/**
 * A source of facts for gates and rules (a roster from HR, gate access records, wind speed): given
 * parameters (e.g. `{ site: 'unit-3' }`), it answers a value with the time it was true at, so a
 * gate can refuse stale facts (a gas test older than its validity).
 */
export interface FactProvider<Config = Record<string, unknown>> {
  description?: string;
  /** JSON Schema of the parameters; validated before `fetch` is called. */
  paramsSchema?: JsonSchema;
  fetch(params: Record<string, JsonValue>, ctx: PluginContext<Config>): Promise<Fact> | Fact;
}

export interface Fact {
  value: JsonValue;
  /** When the value was observed, ms since epoch. */
  observedAt: number;
  unit?: string;
  /** Where it came from (system, device, URL) — recorded with gate decisions. */
  source?: string;
}
