import type { RuntimeConfig } from '../config.js';

/** A job attempt, a fact fetch or a notification: long enough for a slow plant system. */
export const DEFAULT_PLUGIN_TIMEOUT_MS = 30_000;
/** init / start / stop / health and loading: these should be quick; startup waits on them. */
export const DEFAULT_PLUGIN_HOOK_TIMEOUT_MS = 10_000;

export const callTimeoutMs = (config: RuntimeConfig) =>
  config.pluginTimeoutMs ?? DEFAULT_PLUGIN_TIMEOUT_MS;

export const hookTimeoutMs = (config: RuntimeConfig) =>
  config.pluginHookTimeoutMs ?? DEFAULT_PLUGIN_HOOK_TIMEOUT_MS;
