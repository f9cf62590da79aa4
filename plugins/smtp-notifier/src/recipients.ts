import type { Notification } from '@safeflow/plugin-sdk';
import type { SmtpNotifierConfig } from './smtp-config.js';

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

export interface ResolvedRecipients {
  /** Addresses to send to, each once, in the order first named. */
  addresses: string[];
  /** Names neither in the mapping nor (allowed) addresses. */
  unknown: string[];
}

/**
 * Turns a notification's recipients (user, group or role names, or addresses) into email
 * addresses through the configured mapping; a notification that names none goes to
 * `defaultRecipients`.
 */
export function resolveRecipients(
  notification: Notification,
  config: SmtpNotifierConfig,
): ResolvedRecipients {
  const named = notification.recipients?.length
    ? notification.recipients
    : (config.defaultRecipients ?? []);
  const mapping = config.recipients ?? {};
  const allowDirect = config.allowDirectAddresses ?? true;
  const addresses: string[] = [];
  const seen = new Set<string>();
  const unknown: string[] = [];
  const add = (address: string) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    addresses.push(address);
  };
  for (const name of named) {
    const mapped = Object.prototype.hasOwnProperty.call(mapping, name) ? mapping[name] : undefined;
    if (mapped) mapped.filter((a) => EMAIL.test(a)).forEach(add);
    else if (EMAIL.test(name) && (allowDirect || named === config.defaultRecipients)) add(name);
    else unknown.push(name);
  }
  return { addresses, unknown };
}
