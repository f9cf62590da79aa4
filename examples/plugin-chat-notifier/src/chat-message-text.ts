import type { JsonValue, Notification } from '@safeflow/plugin-sdk';
import { DEFAULT_SEVERITY_PREFIX, type ChatNotifierConfig, type Severity } from './chat-config.js';

/**
 * Labels in Chinese and English: crews on Chinese sites read the first, contractors and
 * headquarters the second, and both recognise the message at a glance.
 */
export const SEVERITY_LABEL: Record<Severity, string> = {
  info: '提示 Info',
  warning: '警告 Warning',
  critical: '紧急 Critical',
};

export const KIND_LABEL: Record<Notification['kind'], string> = {
  task: '待办 Task',
  alarm: '报警 Alarm',
  incident: '故障 Incident',
  permit: '作业票 Permit',
  custom: '通知 Notice',
};

/** The details the runtime puts in every notification, named for readers. */
const DATA_LABEL: Record<string, string> = {
  processInstanceId: '流程实例 Instance',
  elementId: '环节 Step',
};

const MAX_DATA_ENTRIES = 20;
const MAX_DATA_VALUE_CHARS = 200;
const ELLIPSIS = '…';

/** WeCom markdown colours: `warning` is its orange-red, `info` its green. */
const WECOM_COLOUR: Record<Severity, string> = {
  info: 'info',
  warning: 'warning',
  critical: 'warning',
};

/** One line: a title with line breaks would break the chat's preview and the markdown heading. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

const shortened = (s: string, max: number) =>
  s.length <= max ? s : `${s.slice(0, max - 1)}${ELLIPSIS}`;

function dataValue(v: JsonValue): string {
  return shortened(oneLine(typeof v === 'string' ? v : JSON.stringify(v)), MAX_DATA_VALUE_CHARS);
}

/** The title as shown in the chat's conversation list: the severity prefix, then the title. */
export function messageTitle(n: Notification, config: ChatNotifierConfig): string {
  const prefix = config.severityPrefix?.[n.severity] ?? DEFAULT_SEVERITY_PREFIX[n.severity];
  return oneLine(`${prefix}${n.title}`);
}

/** An http(s) link a phone can open, with `)` escaped so it cannot end the markdown link early. */
function openableLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    const url = new URL(link);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.href.replace(/\(/g, '%28').replace(/\)/g, '%29');
  } catch {
    return undefined;
  }
}

function dataLines(n: Notification): Array<[string, string]> {
  return Object.entries(n.data ?? {})
    .slice(0, MAX_DATA_ENTRIES)
    .map(([k, v]) => [DATA_LABEL[k] ?? oneLine(k), dataValue(v)]);
}

/** Cuts text to at most `maxBytes` of UTF-8 without splitting a character, marking the cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(ELLIPSIS, 'utf8');
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (used + size > budget) break;
    out += ch;
    used += size;
  }
  return out + ELLIPSIS;
}

/**
 * Builds a message around the notification's free text and, when the result is over the chat's
 * size limit, shortens that text (title, severity, link and id stay whole: they are what a reader
 * acts on). A robot refuses an oversized message, and a retry would be refused the same way.
 */
function fitted(build: (text: string) => string, text: string, maxBytes: number): string {
  const full = build(text);
  const over = Buffer.byteLength(full, 'utf8') - maxBytes;
  if (over <= 0) return full;
  const textBytes = Buffer.byteLength(text, 'utf8');
  const shorter = build(truncateUtf8(text, Math.max(0, textBytes - over)));
  return truncateUtf8(shorter, maxBytes);
}

export type MarkdownDialect = 'dingtalk' | 'wecom';

/**
 * The notification as chat markdown: heading, severity and kind, whom it is for, the text, the
 * runtime's details, a link to act on, and the id (the same on a retried send, so a reader can
 * tell a repeat). Paragraphs are separated by blank lines, which both robots render as breaks.
 */
export function markdownMessage(
  n: Notification,
  config: ChatNotifierConfig,
  dialect: MarkdownDialect,
  maxBytes: number,
  mentionMobiles: readonly string[] = [],
): string {
  const severity =
    dialect === 'wecom'
      ? `<font color="${WECOM_COLOUR[n.severity]}">**${SEVERITY_LABEL[n.severity]}**</font>`
      : `**${SEVERITY_LABEL[n.severity]}**`;
  const facts = [`- 级别 Severity: ${severity}`, `- 类型 Kind: ${KIND_LABEL[n.kind]}`];
  if (n.recipients && n.recipients.length > 0)
    facts.push(`- 接收人 To: ${oneLine(n.recipients.join(', '))}`);
  const details = dataLines(n).map(([k, v]) => `- ${k}: ${v}`);
  const link = openableLink(n.link);
  return fitted(
    (text) =>
      [
        `### ${messageTitle(n, config)}`,
        facts.join('\n'),
        text.trim(),
        details.join('\n'),
        link
          ? `[查看详情 Open in SafeFlow](${link})`
          : n.link
            ? `链接 Link: ${oneLine(n.link)}`
            : '',
        `通知编号 ID: ${n.id}`,
        // DingTalk highlights a mention in markdown only when `@<mobile>` is in the text.
        mentionMobiles.map((m) => `@${m}`).join(' '),
      ]
        .filter((block) => block !== '')
        .join('\n\n'),
    n.text,
    maxBytes,
  );
}

/** The notification as plain text, for the WeCom text messages that carry mentions. */
export function plainTextMessage(
  n: Notification,
  config: ChatNotifierConfig,
  maxBytes: number,
): string {
  const facts = [
    `级别 Severity: ${SEVERITY_LABEL[n.severity]}`,
    `类型 Kind: ${KIND_LABEL[n.kind]}`,
  ];
  const details = dataLines(n).map(([k, v]) => `${k}: ${v}`);
  const link = n.link ? oneLine(n.link) : undefined;
  return fitted(
    (text) =>
      [
        messageTitle(n, config),
        facts.join(' | '),
        n.recipients && n.recipients.length > 0
          ? `接收人 To: ${oneLine(n.recipients.join(', '))}`
          : '',
        text.trim(),
        details.join(' | '),
        link ? `查看详情 Open: ${link}` : '',
        `通知编号 ID: ${n.id}`,
      ]
        .filter((line) => line !== '')
        .join('\n'),
    n.text,
    maxBytes,
  );
}
