import type { PluginContext } from './plugin-context.js';
import type { JsonValue } from './json-schema.js';

/** What happened, in words a person on the plant floor reads on a phone. */
export interface Notification {
  kind: 'task' | 'alarm' | 'incident' | 'permit' | 'custom';
  severity: 'info' | 'warning' | 'critical';
  title: string;
  text: string;
  /** A link into SafeFlow (the task, the alarm). */
  link?: string;
  /** Who should get it: user names, group or role names, addresses — the notifier decides. */
  recipients?: string[];
  /** Structured details (instance id, tag, value...). */
  data?: Record<string, JsonValue>;
  /** Stable id, so a retried send can be de-duplicated by the receiver. */
  id: string;
}

export interface DeliveryReceipt {
  /** The receiving system's id for the message, if it gives one. */
  externalId?: string;
}

/** Sends notifications over one channel (webhook, email, SMS, enterprise chat). */
export interface Notifier<Config = Record<string, unknown>> {
  description?: string;
  send(notification: Notification, ctx: PluginContext<Config>): Promise<DeliveryReceipt | void>;
}
