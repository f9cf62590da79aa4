import { definePlugin } from '@safeflow/plugin-sdk';
import { configProblem, robotOrigin, type ChatNotifierConfig } from './chat-config.js';
import { chatGroupNotifier } from './chat-group-notifier.js';
import { windSpeedProvider } from './wind-speed-provider.js';

export type { ChatNotifierConfig, ChatFlavour, Site } from './chat-config.js';
export { dingTalkSignature, signedDingTalkUrl } from './dingtalk-signature.js';
export { WIND_PARAMS_SCHEMA } from './wind-speed-provider.js';

/**
 * A third-party plugin built on `@safeflow/plugin-sdk` alone: the `chat-group` notifier (DingTalk
 * and WeCom group robots) and the `wind-speed` fact provider. Its element templates (palette
 * entries for both, through the runtime's `safeflow:notify` and `safeflow:fact` tasks) are in
 * element-templates.json, named by the manifest.
 */
export default definePlugin<ChatNotifierConfig>({
  name: 'safeflow-plugin-chat-notifier',
  // A configuration that cannot work marks the plugin down at once instead of failing every send.
  init(ctx) {
    const problem = configProblem(ctx.config);
    if (problem) throw new Error(problem);
  },
  health(ctx) {
    const problem = configProblem(ctx.config);
    if (problem) return { status: 'down', detail: problem };
    return { status: 'up', detail: `${ctx.config.flavour} robot at ${robotOrigin(ctx.config)}` };
  },
  notifiers: { 'chat-group': chatGroupNotifier },
  factProviders: { 'wind-speed': windSpeedProvider },
});
