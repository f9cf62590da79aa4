import type { JobContext, PluginContext, PluginLogger } from '@safeflow/plugin-sdk';
import type { Logger } from 'pino';
import type { Clock } from '../common/clock.js';
import type { SecretRedactor } from './secret-redactor.js';

/**
 * A plugin's logger: its lines go to the runtime's log tagged with the plugin, with its secret
 * values taken out of the message and the fields. The fields are nested under `fields`, so a
 * plugin cannot overwrite the runtime's own keys (`plugin`, `level`, `time`). Logging never throws
 * into the plugin.
 */
export function pluginLogger(log: Logger, redactor: SecretRedactor): PluginLogger {
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      try {
        const text = redactor.text(String(message));
        if (fields === undefined) log[level](text);
        else log[level]({ fields: redactor.value(fields) }, text);
      } catch {
        // A field that cannot be serialised must not break the plugin's work.
      }
    };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** Deep-frozen copy: a plugin cannot change its configuration behind the runtime's back. */
function frozenCopy<T>(value: T): T {
  const copy = structuredClone(value);
  const freeze = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
    Object.freeze(v);
    for (const x of Object.values(v)) freeze(x);
  };
  freeze(copy);
  return copy;
}

/**
 * Everything a plugin gets of the runtime: its own configuration (secrets decrypted), a redacting
 * logger, the runtime's clock and a signal aborted when the plugin stops. Nothing else — no
 * database, no engine, no other plugin's configuration.
 */
export function createPluginContext(
  config: Record<string, unknown>,
  logger: PluginLogger,
  clock: Clock,
  signal: AbortSignal,
): PluginContext {
  return { config: frozenCopy(config), logger, now: () => clock.now(), signal };
}

/** The context for one call (a job attempt, a fetch, a send): the plugin's, with the call's signal. */
export function callContext(ctx: PluginContext, signal: AbortSignal): JobContext {
  return { config: ctx.config, logger: ctx.logger, now: ctx.now, signal };
}
