import type { PluginManifest } from '../manifest.js';
import type { PluginContext } from '../plugin-context.js';
import type { PluginDefinition, PluginHealth } from '../plugin-definition.js';
import { boundedCall, errorMessage } from './bounded-call.js';
import { createRecordingLogger, type LogLine } from './recording-logger.js';
import { createTestClock, type TestClock } from './test-clock.js';

/** What every harness function accepts: the plugin's configuration and how it is run. */
export interface PluginTestOptions<Config = Record<string, unknown>> {
  /** The plugin's configuration, as the runtime would pass it after validation (secrets decrypted). */
  config?: Config;
  /** The clock for `ctx.now()` and the engine; default a test clock at 2025-01-01T00:00:00Z. */
  clock?: TestClock;
  /**
   * The plugin's manifest (its package.json `"safeflow"` field, see `readPackageManifest`): its
   * `secrets` are checked for leaks.
   */
  manifest?: PluginManifest;
  /** Secret configuration fields, when no manifest is given. */
  secrets?: readonly string[];
  /** Call `init` and `start` before and `stop` after, as the runtime does. Default true. */
  lifecycle?: boolean;
  /** Time limit for each lifecycle hook; default 5000 ms. */
  hookTimeoutMs?: number;
}

/** A plugin initialised and started for a test, with the context the runtime would give it. */
export interface TestPlugin<Config = Record<string, unknown>> {
  readonly ctx: PluginContext<Config>;
  readonly clock: TestClock;
  /** Every line the plugin logged, in order. */
  readonly logs: LogLine[];
  /** The secret configuration fields (from the manifest or `secrets`). */
  readonly secretFields: readonly string[];
  /** Asks the plugin's `health` hook; `up` when it has none. */
  health(): Promise<PluginHealth>;
  /** Calls `stop` (once) and aborts the plugin's signal. */
  stop(): Promise<void>;
}

const DEFAULT_HOOK_TIMEOUT_MS = 5_000;

/**
 * Runs a plugin's `init` and `start` with a test context. A hook that throws, rejects or hangs
 * makes this reject with the hook's name and reason, the way the runtime would mark the plugin
 * down.
 */
export async function startTestPlugin<Config>(
  plugin: PluginDefinition<Config>,
  options: PluginTestOptions<Config> = {},
): Promise<TestPlugin<Config>> {
  const clock = options.clock ?? createTestClock();
  const { logger, lines } = createRecordingLogger(clock.now);
  const stopping = new AbortController();
  const ctx: PluginContext<Config> = {
    config: (options.config ?? {}) as Config,
    logger,
    now: clock.now,
    signal: stopping.signal,
  };
  const hookTimeoutMs = options.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  const lifecycle = options.lifecycle ?? true;
  const hook = async (name: 'init' | 'start' | 'stop' | 'health'): Promise<unknown> => {
    const fn = plugin[name] as ((c: PluginContext<Config>) => unknown) | undefined;
    if (!fn) return undefined;
    const result = await boundedCall(() => fn.call(plugin, ctx), hookTimeoutMs);
    if (!result.ok)
      throw new Error(`plugin '${plugin.name}' ${name} failed: ${errorMessage(result.error)}`);
    return result.value;
  };
  if (lifecycle) {
    await hook('init');
    await hook('start');
  }
  let stopped = false;
  return {
    ctx,
    clock,
    logs: lines,
    secretFields: options.manifest?.secrets ?? options.secrets ?? [],
    async health() {
      return ((await hook('health')) as PluginHealth | undefined) ?? { status: 'up' };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        if (lifecycle) await hook('stop');
      } finally {
        stopping.abort(new Error('plugin stopped'));
      }
    },
  };
}

/** The context for one call (job attempt, send, fetch): the plugin's, with the call's signal. */
export function callContext<Config>(
  plugin: TestPlugin<Config>,
  signal: AbortSignal,
): PluginContext<Config> {
  const { config, logger, now } = plugin.ctx;
  return { config, logger, now, signal };
}
