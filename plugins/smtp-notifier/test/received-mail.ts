/**
 * Just enough MIME to assert on what the test SMTP server received: headers (unfolded), and the
 * text/plain and text/html parts decoded from quoted-printable or base64.
 */
export interface ReceivedMail {
  headers: Map<string, string>;
  text: string;
  html: string;
}

function splitHeadersBody(raw: string): [Map<string, string>, string] {
  const at = raw.indexOf('\r\n\r\n');
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return [headers, body];
}

function decode(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'quoted-printable':
      return Buffer.from(
        body
          .replace(/=\r\n/g, '')
          .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      ).toString('utf8');
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

export function parseMail(raw: string): ReceivedMail {
  const [headers, body] = splitHeadersBody(raw);
  const mail: ReceivedMail = { headers, text: '', html: '' };
  const collect = (partHeaders: Map<string, string>, partBody: string) => {
    const type = partHeaders.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (boundary) {
      for (const part of partBody.split(`--${boundary}`).slice(1)) {
        if (part.startsWith('--')) break;
        const [h, b] = splitHeadersBody(part.replace(/^\r\n/, ''));
        collect(h, b.replace(/\r\n$/, ''));
      }
      return;
    }
    const decoded = decode(partBody, partHeaders.get('content-transfer-encoding')).replace(
      /\r\n/g,
      '\n',
    );
    if (type.startsWith('text/html')) mail.html = decoded;
    else if (type.startsWith('text/plain')) mail.text = decoded;
  };
  collect(headers, body);
  return mail;
}
