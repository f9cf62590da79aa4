import type { DeliveryReceipt, Notification, Notifier, PluginContext } from '@safeflow/plugin-sdk';
import { emailContent } from './email-content.js';
import { resolveRecipients } from './recipients.js';
import { configProblem, type SmtpNotifierConfig } from './smtp-config.js';
import { smtpErrorText, withTransport } from './smtp-transport.js';

/** The domain of the sender address, for Message-IDs. */
function senderDomain(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return m?.[1] ?? 'safeflow.invalid';
}

/**
 * A Message-ID made from the notification id: a retried send carries the same one, so mail
 * systems that de-duplicate by Message-ID show it once.
 */
function messageId(notification: Notification, from: string): string {
  return `<${notification.id.replace(/[^A-Za-z0-9._-]/g, '_')}.safeflow@${senderDomain(from)}>`;
}

/**
 * `email`: one message per notification to the resolved recipients, plain text and HTML. Throws
 * when the server refuses it (the runtime retries), and when no recipient could be resolved.
 */
export const emailNotifier: Notifier<SmtpNotifierConfig> = {
  description: 'Sends notifications as email through an SMTP server',
  async send(
    notification: Notification,
    ctx: PluginContext<SmtpNotifierConfig>,
  ): Promise<DeliveryReceipt> {
    const config = ctx.config;
    const problem = configProblem(config);
    if (problem) throw new Error(`email notifier is not configured: ${problem}`);
    const { addresses, unknown } = resolveRecipients(notification, config);
    if (unknown.length > 0) {
      ctx.logger.warn('email recipients not mapped to addresses', {
        notificationId: notification.id,
        unknown,
      });
    }
    if (addresses.length === 0) {
      throw new Error(
        `no email recipients for notification ${notification.id}` +
          (unknown.length
            ? ` (not mapped: ${unknown.join(', ')})`
            : ' (none named and no defaultRecipients)'),
      );
    }
    const content = emailContent(notification, config.subjectPrefix ?? '[SafeFlow]');
    try {
      const info = await withTransport(config, ctx.signal, (transport) =>
        transport.sendMail({
          from: config.from,
          to: addresses,
          subject: content.subject,
          text: content.text,
          html: content.html,
          messageId: messageId(notification, config.from),
          headers: { 'X-SafeFlow-Notification-Id': notification.id },
          ...(notification.severity === 'critical' ? { priority: 'high' as const } : {}),
        }),
      );
      ctx.logger.info('email sent', {
        notificationId: notification.id,
        recipients: addresses.length,
        messageId: info.messageId,
      });
      return { externalId: info.messageId };
    } catch (e) {
      const reason = smtpErrorText(e);
      ctx.logger.warn('email not sent', { notificationId: notification.id, reason });
      throw new Error(`email for notification ${notification.id} not sent: ${reason}`);
    }
  },
};
