import { definePlugin } from '@safeflow/plugin-sdk';
import { configProblem, type WebhookNotifierConfig } from './webhook-config.js';
import { webhookNotifier } from './webhook-notifier.js';

export type { WebhookNotifierConfig } from './webhook-config.js';
export {
  signWebhook,
  verifyWebhookSignature,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  NOTIFICATION_ID_HEADER,
  type WebhookToVerify,
} from './webhook-signature.js';

/** The `webhook` notifier: signed JSON POSTs to configured URLs. */
export default definePlugin<WebhookNotifierConfig>({
  name: '@safeflow/plugin-webhook-notifier',
  // A configuration that cannot work marks the plugin down at once instead of failing every send.
  init(ctx) {
    const problem = configProblem(ctx.config);
    if (problem) throw new Error(problem);
  },
  health(ctx) {
    const problem = configProblem(ctx.config);
    return problem ? { status: 'down', detail: problem } : { status: 'up' };
  },
  notifiers: { webhook: webhookNotifier },
});
