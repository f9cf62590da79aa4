import type { Notification } from '@safeflow/plugin-sdk';
import { DEFAULT_MENTION_ON, type ChatNotifierConfig } from './chat-config.js';
import { markdownMessage, messageTitle, plainTextMessage } from './chat-message-text.js';

/**
 * Size limits of the robots' messages (UTF-8 bytes). WeCom documents 4096 for markdown and 2048
 * for text; DingTalk's markdown is kept well under its limit. An oversized message is refused,
 * and a retry would be refused again, so it is shortened instead.
 */
export const MAX_BYTES = {
  dingtalkMarkdown: 18_000,
  wecomMarkdown: 4096,
  wecomText: 2048,
} as const;

/** Whom a notification mentions: nobody, or the configured mobiles and/or everyone. */
export interface Mentions {
  all: boolean;
  mobiles: string[];
}

export function mentionsFor(n: Notification, config: ChatNotifierConfig): Mentions {
  const on = config.mentionOn ?? DEFAULT_MENTION_ON;
  if (!on.includes(n.severity)) return { all: false, mobiles: [] };
  return { all: config.mentionAll ?? true, mobiles: [...(config.mentionMobiles ?? [])] };
}

const mentionsAnyone = (m: Mentions) => m.all || m.mobiles.length > 0;

/** A DingTalk custom robot's markdown message (`at` says whom to notify on their phones). */
export interface DingTalkMarkdown {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
  at: { atMobiles: string[]; isAtAll: boolean };
}

export function dingTalkMessage(n: Notification, config: ChatNotifierConfig): DingTalkMarkdown {
  const mentions = mentionsFor(n, config);
  return {
    msgtype: 'markdown',
    markdown: {
      title: messageTitle(n, config),
      text: markdownMessage(n, config, 'dingtalk', MAX_BYTES.dingtalkMarkdown, mentions.mobiles),
    },
    at: { atMobiles: mentions.mobiles, isAtAll: mentions.all },
  };
}

/** A WeCom group robot's markdown message. */
export interface WeComMarkdown {
  msgtype: 'markdown';
  markdown: { content: string };
}

/** A WeCom group robot's text message, the only kind that can mention by mobile or @all. */
export interface WeComText {
  msgtype: 'text';
  text: { content: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] };
}

/**
 * WeCom markdown cannot mention by mobile number or everyone, so a notification that must wake
 * people up goes as a text message with the mentions (plain, but it rings); the rest as markdown.
 */
export function weComMessage(
  n: Notification,
  config: ChatNotifierConfig,
): WeComMarkdown | WeComText {
  const mentions = mentionsFor(n, config);
  if (!mentionsAnyone(mentions))
    return {
      msgtype: 'markdown',
      markdown: { content: markdownMessage(n, config, 'wecom', MAX_BYTES.wecomMarkdown) },
    };
  return {
    msgtype: 'text',
    text: {
      content: plainTextMessage(n, config, MAX_BYTES.wecomText),
      ...(mentions.all ? { mentioned_list: ['@all'] } : {}),
      ...(mentions.mobiles.length > 0 ? { mentioned_mobile_list: mentions.mobiles } : {}),
    },
  };
}
