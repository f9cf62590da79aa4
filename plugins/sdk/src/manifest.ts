import type { JsonSchema } from './json-schema.js';

/** The field of a plugin's package.json that holds its manifest. */
export const MANIFEST_FIELD = 'safeflow';

/**
 * What a plugin declares in its package.json under `"safeflow"`, read before any of its code runs:
 * the runtime checks the SDK range, validates the configuration against `configSchema`, and knows
 * which fields are secrets (stored encrypted, never returned or logged) without loading the code.
 */
export interface PluginManifest {
  /** Semver range of the SDK the plugin was built against, e.g. `^1.0.0`. */
  sdk: string;
  /** Module (relative to the package root) whose default export is the `definePlugin(...)` result. */
  main?: string;
  displayName?: string;
  description?: string;
  /** Names of what the plugin contributes, so operators can see them before enabling it. */
  contributes?: {
    taskTypes?: string[];
    factProviders?: string[];
    connectors?: string[];
    notifiers?: string[];
    ruleOperators?: string[];
    /** Path to a JSON file with element templates, or none (templates may come from code). */
    elementTemplates?: string;
  };
  /** JSON Schema of the plugin's configuration. */
  configSchema?: JsonSchema;
  /** Top-level configuration fields that are secrets (passwords, tokens, signing keys). */
  secrets?: string[];
}
