import type { RuntimeConfig } from '../config.js';

/** A job attempt, a fact fetch or a notification: long enough for a slow plant system. */
export const DEFAULT_PLUGIN_TIMEOUT_MS = 30_000;
/** init / start / stop / health and loading: these should be quick; startup waits on them. */
export const DEFAULT_PLUGIN_HOOK_TIMEOUT_MS = 10_000;
/**
 * Loading a plugin's main gets the hook time limit but at least this: a fresh worker thread reads
 * (and, for TypeScript, compiles) the plugin's modules, which on a busy machine takes a while.
 */
export const MIN_PLUGIN_LOAD_TIMEOUT_MS = 5_000;
/** Heap (old generation) of one plugin's worker thread, MB. */
export const DEFAULT_PLUGIN_MAX_HEAP_MB = 256;
/**
 * After a call's time limit its worker gets this long to acknowledge the abort; a worker that
 * cannot (its thread is stuck in synchronous code) is terminated and replaced.
 */
export const PLUGIN_ABORT_GRACE_MS = 1_000;
/** The longest the runtime's thread waits for a rule operator's answer (rule evaluation is sync). */
export const RULE_OPERATOR_TIMEOUT_MS = 250;
/** Restarts of a lost worker back off: 250 ms, 500 ms, 1 s … at most a minute. */
export const RESTART_BACKOFF_MS = { first: 250, max: 60_000 } as const;
/** A worker that ran this long before it was lost starts the back-off from the beginning again. */
export const RESTART_BACKOFF_RESET_MS = 60_000;

export const callTimeoutMs = (config: RuntimeConfig) =>
  config.pluginTimeoutMs ?? DEFAULT_PLUGIN_TIMEOUT_MS;

export const hookTimeoutMs = (config: RuntimeConfig) =>
  config.pluginHookTimeoutMs ?? DEFAULT_PLUGIN_HOOK_TIMEOUT_MS;

export const loadTimeoutMs = (config: RuntimeConfig) =>
  Math.max(hookTimeoutMs(config), MIN_PLUGIN_LOAD_TIMEOUT_MS);

export const maxHeapMb = (config: RuntimeConfig) =>
  config.pluginMaxHeapMb ?? DEFAULT_PLUGIN_MAX_HEAP_MB;

export const restartDelayMs = (failuresInRow: number) =>
  Math.min(RESTART_BACKOFF_MS.max, RESTART_BACKOFF_MS.first * 2 ** failuresInRow);
