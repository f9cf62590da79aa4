import type { PluginLogger } from '@safeflow/plugin-sdk';
import type { Logger } from 'pino';
import type { SecretRedactor } from './secret-redactor.js';

/**
 * A plugin's logger on the runtime's side (its worker posts the lines here): its lines go to the runtime's log tagged with the plugin, with its secret
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
