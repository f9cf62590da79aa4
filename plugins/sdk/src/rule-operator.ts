import type { JsonValue } from './json-schema.js';

/**
 * A comparison usable in rule conditions (json-rules-engine operators), e.g. `withinRadiusMeters`.
 * Must be pure and fast: it runs inside rule evaluation, with no I/O.
 */
export interface RuleOperator {
  description?: string;
  evaluate(factValue: JsonValue, compareValue: JsonValue): boolean;
}
