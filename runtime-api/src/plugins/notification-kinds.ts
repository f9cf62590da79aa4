/**
 * The notification kinds and severities the SDK defines, in one list for both checks that use
 * them (NotifierService before a send, `safeflow:notify` on a model's headers), so the two can
 * never disagree about what is allowed.
 */
import type { Notification } from '@safeflow/plugin-sdk';

export const NOTIFICATION_KINDS: readonly Notification['kind'][] = [
  'task',
  'alarm',
  'incident',
  'permit',
  'custom',
];

export const NOTIFICATION_SEVERITIES: readonly Notification['severity'][] = [
  'info',
  'warning',
  'critical',
];
