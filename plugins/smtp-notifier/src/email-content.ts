import type { Notification } from '@safeflow/plugin-sdk';

const SEVERITY_LABEL: Record<Notification['severity'], string> = {
  critical: 'CRITICAL: ',
  warning: 'WARNING: ',
  info: '',
};

const SEVERITY_COLOUR: Record<Notification['severity'], string> = {
  critical: '#b71c1c',
  warning: '#e65100',
  info: '#1565c0',
};

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function detailLines(data: Notification['data']): Array<[string, string]> {
  return Object.entries(data ?? {}).map(([k, v]) => [
    k,
    typeof v === 'string' ? v : JSON.stringify(v),
  ]);
}

/** A link is shown only when it is http(s): a `javascript:` link in a mail is never a good idea. */
function safeLink(link: string | undefined): string | undefined {
  return link && /^https?:\/\//i.test(link) ? link : undefined;
}

/** The subject, a plain-text body and a simple HTML body, both saying the same. */
export function emailContent(n: Notification, subjectPrefix: string): EmailContent {
  const subject =
    `${subjectPrefix ? `${subjectPrefix} ` : ''}${SEVERITY_LABEL[n.severity]}${n.title}`
      .replace(/[\r\n]+/g, ' ')
      .trim();
  const link = safeLink(n.link);
  const details = detailLines(n.data);
  const text = [
    n.text,
    '',
    `Severity: ${n.severity}`,
    ...(link ? [`Open in SafeFlow: ${link}`] : []),
    ...(details.length ? ['', 'Details:', ...details.map(([k, v]) => `  ${k}: ${v}`)] : []),
    '',
    '--',
    `SafeFlow notification ${n.id}`,
    '',
  ].join('\n');
  const colour = SEVERITY_COLOUR[n.severity];
  const html = `<!doctype html>
<html><body style="font-family: sans-serif; font-size: 15px; color: #212121">
<div style="border-left: 6px solid ${colour}; padding: 8px 12px">
<p style="margin: 0 0 4px; color: ${colour}; font-weight: bold">${escapeHtml(n.severity.toUpperCase())}</p>
<h2 style="margin: 0 0 8px">${escapeHtml(n.title)}</h2>
<p style="white-space: pre-wrap">${escapeHtml(n.text)}</p>
${link ? `<p><a href="${escapeHtml(link)}">Open in SafeFlow</a></p>\n` : ''}${
    details.length
      ? `<table style="border-collapse: collapse">${details
          .map(
            ([k, v]) =>
              `<tr><td style="padding: 2px 12px 2px 0; color: #616161">${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`,
          )
          .join('')}</table>\n`
      : ''
  }</div>
<p style="color: #9e9e9e; font-size: 12px">SafeFlow notification ${escapeHtml(n.id)}</p>
</body></html>
`;
  return { subject, text, html };
}
