/**
 * A plugin's stored configuration as it may leave the runtime: every secret field masked, with
 * only whether it is set. Secrets that no longer decrypt are reported as `unreadable`, not thrown,
 * so an operator can still see (and fix) the rest.
 */
import { messageOf } from './bounded-call.js';
import type { HostedPlugin } from './hosted-plugin.js';
import type { PluginConfigStore, StoredPluginConfig } from './plugin-config-store.js';
import { MASK } from './secret-redactor.js';

export interface MaskedPluginConfig {
  config: Record<string, unknown>;
  secrets: Record<string, { set: boolean }>;
  enabled: boolean;
  updatedAt: number | null;
  updatedBy: string | null;
  unreadable?: string;
}

/** Never configured: an empty configuration, enabled, no update recorded. */
export async function maskedPluginConfig(
  store: PluginConfigStore,
  p: HostedPlugin,
): Promise<MaskedPluginConfig> {
  const fields = p.pkg?.manifest.secrets ?? [];
  let stored: StoredPluginConfig | undefined;
  let unreadable: string | undefined;
  try {
    stored = await store.get(p.name);
  } catch (e) {
    unreadable = messageOf(e);
  }
  const config: Record<string, unknown> = { ...stored?.values };
  const secrets: Record<string, { set: boolean }> = {};
  for (const f of fields) {
    const set = stored?.secrets[f] !== undefined;
    secrets[f] = { set };
    if (set) config[f] = MASK;
  }
  return {
    config,
    secrets,
    enabled: stored?.enabled ?? true,
    updatedAt: stored?.updatedAt ?? null,
    updatedBy: stored?.updatedBy ?? null,
    ...(unreadable ? { unreadable } : {}),
  };
}
