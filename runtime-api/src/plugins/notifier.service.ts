import { Inject, Injectable } from '@nestjs/common';
import type { DeliveryReceipt, Notification } from '@safeflow/plugin-sdk';
import { NOTIFICATION_KINDS, NOTIFICATION_SEVERITIES } from './notification-kinds.js';
import { PluginCallError } from './plugin-errors.js';
import { PluginContributions } from './plugin-contributions.js';
import { PluginHost } from './plugin-host.service.js';

/** What is wrong with a notification before it goes out; undefined when nothing is. */
function problemOf(n: Notification): string | undefined {
  if (!NOTIFICATION_KINDS.includes(n.kind))
    return `kind must be one of ${NOTIFICATION_KINDS.join(', ')}`;
  if (!NOTIFICATION_SEVERITIES.includes(n.severity))
    return `severity must be one of ${NOTIFICATION_SEVERITIES.join(', ')}`;
  if (typeof n.title !== 'string' || n.title === '') return 'title is required';
  if (typeof n.text !== 'string') return 'text must be a string';
  if (typeof n.id !== 'string' || n.id === '') return 'id is required';
  return undefined;
}

/**
 * Sends notifications through plugins' notifiers (webhook, email, SMS), under the plugin time
 * limit. A notifier that throws, rejects or hangs fails this send only.
 */
@Injectable()
export class NotifierService {
  constructor(
    @Inject(PluginContributions) private readonly contributions: PluginContributions,
    @Inject(PluginHost) private readonly host: PluginHost,
  ) {}

  notifiers(): string[] {
    return [...this.contributions.notifiers.keys()].sort();
  }

  /** Throws PluginCallError (`unknown`, `invalid`, `unavailable`, `failed`, `timeout`). */
  async send(notifier: string, notification: Notification): Promise<DeliveryReceipt> {
    const owned = this.contributions.notifiers.get(notifier);
    if (!owned)
      throw new PluginCallError(
        `no notifier '${notifier}' (known: ${this.notifiers().join(', ') || 'none'})`,
        'unknown',
      );
    const problem = problemOf(notification);
    if (problem) throw new PluginCallError(`notification: ${problem}`, 'invalid');
    const receipt = (await this.host.call(
      owned.plugin,
      `notifier '${notifier}'`,
      'send-notification',
      { notifier, notification },
    )) as DeliveryReceipt | undefined;
    return receipt && typeof receipt.externalId === 'string'
      ? { externalId: receipt.externalId }
      : {};
  }
}
