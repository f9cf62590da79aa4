import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { DEFAULT_TIMEOUT_MS, type SmtpNotifierConfig } from './smtp-config.js';

/** A nodemailer SMTP transport for the configuration: one connection per send, no pooling. */
export function createSmtpTransport(
  config: SmtpNotifierConfig,
): Transporter<SMTPTransport.SentMessageInfo> {
  const secure = config.secure ?? false;
  const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const options: SMTPTransport.Options = {
    host: config.host,
    port: config.port ?? (secure ? 465 : 587),
    secure,
    requireTLS: !secure && (config.requireTls ?? true),
    tls: { rejectUnauthorized: config.rejectUnauthorized ?? true },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // nodemailer's own logger would print the SMTP dialogue; the plugin logs what matters itself.
    logger: false,
    debug: false,
  };
  if (config.user) options.auth = { user: config.user, pass: config.password ?? '' };
  return nodemailer.createTransport(options);
}

/**
 * Runs `work` with a transport and closes it afterwards; when `signal` aborts, the connection is
 * closed at once and the call rejects.
 */
export async function withTransport<T>(
  config: SmtpNotifierConfig,
  signal: AbortSignal,
  work: (transport: Transporter<SMTPTransport.SentMessageInfo>) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  const transport = createSmtpTransport(config);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      transport.close();
      reject(new Error('SMTP send aborted (timed out or stopped)'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(transport), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    transport.close();
  }
}

/** An SMTP error as text: nodemailer's message and the server's response code, no credentials. */
export function smtpErrorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: string }).code;
  return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
}
