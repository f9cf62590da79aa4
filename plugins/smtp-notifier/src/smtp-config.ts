/** The SMTP notifier's configuration (JSON Schema: `configSchema` in package.json). */
export interface SmtpNotifierConfig {
  /** SMTP server (a relay or submission server). */
  host: string;
  /** Default 465 with `secure`, else 587. */
  port?: number;
  /** TLS from the first byte (SMTPS, usually port 465). */
  secure?: boolean;
  /**
   * Without `secure`: refuse to send unless the server upgrades the connection with STARTTLS, so
   * the password and the message never cross the network in clear. Default true.
   */
  requireTls?: boolean;
  /** Check the server's certificate. Default true; false only for a test server's own certificate. */
  rejectUnauthorized?: boolean;
  /** SMTP AUTH user name; no authentication without it. */
  user?: string;
  /** Secret: SMTP AUTH password. */
  password?: string;
  /** Sender, e.g. `SafeFlow <safeflow@plant.example>`. */
  from: string;
  /** Who a notification recipient (user, group or role name) is, as email addresses. */
  recipients?: Record<string, string[]>;
  /** Addresses for a notification that names no recipients. */
  defaultRecipients?: string[];
  /** Send to recipients that are email addresses themselves. Default true. */
  allowDirectAddresses?: boolean;
  /** Put before every subject; default `[SafeFlow]`. */
  subjectPrefix?: string;
  /** Time limit of one send (connect, TLS, auth, data); default 15 000 ms. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** Why the configuration cannot work, or undefined. */
export function configProblem(config: Partial<SmtpNotifierConfig>): string | undefined {
  if (typeof config.host !== 'string' || config.host === '') return 'host is not configured';
  if (typeof config.from !== 'string' || config.from === '') return 'from is not configured';
  if (config.password && !config.user) return 'password is set but user is not';
  return undefined;
}
