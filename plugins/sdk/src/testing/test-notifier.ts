import type { DeliveryReceipt, Notification } from '../notifier.js';
import type { PluginDefinition } from '../plugin-definition.js';
import { boundedCall } from './bounded-call.js';
import type { LogLine } from './recording-logger.js';
import { leakedSecrets } from './secret-leaks.js';
import { callContext, startTestPlugin, type PluginTestOptions } from './test-plugin.js';

export interface NotifierTestOptions<
  Config = Record<string, unknown>,
> extends PluginTestOptions<Config> {
  /** Time limit of the send; default 10 s. */
  timeoutMs?: number;
}

export interface NotifierRun {
  /** `send` resolved: the runtime counts the notification as delivered. */
  delivered: boolean;
  receipt?: DeliveryReceipt;
  /** What `send` threw or rejected with (the runtime retries the delivery). */
  error?: unknown;
  timedOut: boolean;
  /** The notification as sent (defaults filled in). */
  notification: Notification;
  logs: LogLine[];
  /** Secret config fields whose values appear in logs, the receipt or the error message. */
  leakedSecrets: string[];
}

/** A notification with test defaults for every field not given. */
export function testNotification(fields: Partial<Notification> = {}): Notification {
  return {
    id: 'ntf-test-1',
    kind: 'alarm',
    severity: 'warning',
    title: 'H2S above alarm limit',
    text: 'Unit 3 H2S reads 12 ppm (limit 10 ppm).',
    ...fields,
  };
}

/**
 * Sends one notification through a plugin's notifier with a test context (lifecycle hooks run
 * around it) and reports whether it was delivered; a throw or a hang is reported, not raised.
 */
export async function testNotifier<Config>(
  plugin: PluginDefinition<Config>,
  notifierName: string,
  notification: Partial<Notification> = {},
  options: NotifierTestOptions<Config> = {},
): Promise<NotifierRun> {
  const notifier = plugin.notifiers?.[notifierName];
  if (!notifier) {
    const known = Object.keys(plugin.notifiers ?? {});
    throw new Error(
      `plugin '${plugin.name}' has no notifier '${notifierName}' (it has: ${known.join(', ') || 'none'})`,
    );
  }
  const sent = testNotification(notification);
  const tested = await startTestPlugin(plugin, options);
  try {
    const ran = await boundedCall(
      (signal) => notifier.send(structuredClone(sent), callContext(tested, signal)),
      options.timeoutMs ?? 10_000,
      tested.ctx.signal,
    );
    const run: NotifierRun = {
      delivered: ran.ok,
      timedOut: !ran.ok && ran.timedOut,
      notification: sent,
      logs: tested.logs,
      leakedSecrets: [],
    };
    if (ran.ok && ran.value) run.receipt = ran.value;
    if (!ran.ok) run.error = ran.error;
    run.leakedSecrets = leakedSecrets(tested.ctx.config, tested.secretFields, [
      tested.logs,
      run.receipt ?? null,
      run.error instanceof Error ? run.error.message : String(run.error ?? ''),
    ]);
    return run;
  } finally {
    await tested.stop();
  }
}
