import { definePlugin } from '@safeflow/plugin-sdk';
import { emailNotifier } from './email-notifier.js';
import { configProblem, type SmtpNotifierConfig } from './smtp-config.js';
import { smtpErrorText, withTransport } from './smtp-transport.js';

export type { SmtpNotifierConfig } from './smtp-config.js';
export { emailContent, type EmailContent } from './email-content.js';
export { resolveRecipients, type ResolvedRecipients } from './recipients.js';

/** The `email` notifier: SMTP through nodemailer. */
export default definePlugin<SmtpNotifierConfig>({
  name: '@safeflow/plugin-smtp-notifier',
  init(ctx) {
    const problem = configProblem(ctx.config);
    if (problem) throw new Error(problem);
  },
  /** Connects, upgrades to TLS and logs in, so a wrong password shows before an alarm needs it. */
  async health(ctx) {
    const problem = configProblem(ctx.config);
    if (problem) return { status: 'down', detail: problem };
    try {
      await withTransport(ctx.config, ctx.signal, (transport) => transport.verify());
      return { status: 'up' };
    } catch (e) {
      return { status: 'down', detail: `SMTP server check failed: ${smtpErrorText(e)}` };
    }
  },
  notifiers: { email: emailNotifier },
});
