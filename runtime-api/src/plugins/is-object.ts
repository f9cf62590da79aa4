/**
 * The one "is this a JSON object" test of the plugin host: manifests, definitions, outcomes, facts
 * and connection specs all arrive as `unknown` from plugin code. No imports, so the plugin's worker
 * thread (plugin-definition-check) may use it too without loading any of the runtime.
 */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
