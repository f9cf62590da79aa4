import type { SchemaError } from './plugin-json-schema.js';

/**
 * Why a call into a plugin contribution (fact fetch, notification) did not give an answer:
 * `unknown` no such contribution, `invalid` bad parameters (see `errors`), `unavailable` its
 * plugin is not running, `failed` it threw or rejected, `timeout` it did not answer in time.
 * Messages are already stripped of the plugin's secrets.
 */
export class PluginCallError extends Error {
  constructor(
    message: string,
    readonly kind: 'unknown' | 'invalid' | 'unavailable' | 'failed' | 'timeout',
    readonly errors: SchemaError[] = [],
  ) {
    super(message);
  }
}
