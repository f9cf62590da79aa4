/**
 * The configuration a plugin is started with: its stored values and secrets merged and checked
 * against its configSchema, and the redactor for its secret values. Worked out at every start, so
 * a plugin always runs with (and is redacted by) what is stored now.
 */
import type { HostedPlugin } from './hosted-plugin.js';
import type { StoredPluginConfig } from './plugin-config-store.js';
import { describeErrors } from './plugin-json-schema.js';
import { SecretRedactor } from './secret-redactor.js';

export interface RunConfig {
  config: Record<string, unknown>;
  /** Why the plugin cannot start with it (not configured, or invalid); undefined when it can. */
  problem?: string;
  redactor: SecretRedactor;
}

export function runConfig(p: HostedPlugin, stored: StoredPluginConfig | undefined): RunConfig {
  const config = { ...stored?.values, ...stored?.secrets };
  const secretValues = (p.pkg?.manifest.secrets ?? [])
    .map((f) => config[f])
    .filter((v) => v !== undefined);
  const redactor = new SecretRedactor(secretValues);
  const errors = p.loaded?.configCheck?.(config) ?? [];
  if (errors.length === 0) return { config, redactor };
  const prefix = stored ? 'configuration invalid' : 'not configured';
  return { config, problem: `${prefix}: ${describeErrors(errors)}`, redactor };
}
