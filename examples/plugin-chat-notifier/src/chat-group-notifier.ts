import type { Notification, Notifier, PluginContext } from '@safeflow/plugin-sdk';
import {
  configProblem,
  DEFAULT_TIMEOUT_MS,
  robotOrigin,
  type ChatNotifierConfig,
} from './chat-config.js';
import { signedDingTalkUrl } from './dingtalk-signature.js';
import { postToRobot } from './robot-delivery.js';
import { dingTalkMessage, mentionsFor, weComMessage } from './robot-messages.js';

/**
 * `chat-group`: posts each notification to the configured DingTalk or WeCom group robot, where
 * the shift sees it on their phones. Critical ones mention people (see robot-messages.ts). `send`
 * throws when the robot did not take the message, so the runtime retries it with back-off and
 * raises an incident when retries run out.
 */
export const chatGroupNotifier: Notifier<ChatNotifierConfig> = {
  description: 'Posts notifications to a DingTalk or WeCom group robot',
  async send(n: Notification, ctx: PluginContext<ChatNotifierConfig>) {
    const config = ctx.config;
    const problem = configProblem(config);
    if (problem) throw new Error(`chat-group notifier is not configured: ${problem}`);
    const dingtalk = config.flavour === 'dingtalk';
    // Signed with the runtime's clock: DingTalk checks the timestamp against its own (± 1 h).
    const url =
      dingtalk && config.signingSecret
        ? signedDingTalkUrl(config.webhookUrl, config.signingSecret, ctx.now())
        : config.webhookUrl;
    const body = dingtalk ? dingTalkMessage(n, config) : weComMessage(n, config);
    await postToRobot({
      flavour: config.flavour,
      url,
      body,
      signal: ctx.signal,
      timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    const mentions = mentionsFor(n, config);
    ctx.logger.info('chat group message delivered', {
      notificationId: n.id,
      robot: `${config.flavour} ${robotOrigin(config)}`,
      mentionedAll: mentions.all,
      mentionedMobiles: mentions.mobiles.length,
    });
  },
};
