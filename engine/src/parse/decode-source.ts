/**
 * Turns raw bytes into text the way an XML parser would: BOM first, then the `encoding` of the XML
 * declaration, UTF-8 by default. Vendor exports are often ISO-8859-1 or windows-1252, and decoding
 * those as UTF-8 would silently corrupt names and conditions.
 */
export interface DecodedSource {
  readonly text: string;
  /** The encoding actually used (WHATWG label). */
  readonly encoding: string;
  /** Set when the declared encoding is unknown and we fell back to UTF-8. */
  readonly unknownEncoding?: string;
}

// Labels TextDecoder accepts for the single-byte encodings we meet in practice; WHATWG maps them
// all to windows-1252, a superset of ISO-8859-1 for printable characters.
const ALIASES: Readonly<Record<string, string>> = {
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
};

export function decodeSource(source: string | Uint8Array): DecodedSource {
  if (typeof source === 'string') return { text: stripBom(source), encoding: 'utf-8' };
  if (source.length >= 2 && source[0] === 0xfe && source[1] === 0xff)
    return decode(source, 'utf-16be');
  if (source.length >= 2 && source[0] === 0xff && source[1] === 0xfe)
    return decode(source, 'utf-16le');
  if (source.length >= 3 && source[0] === 0xef && source[1] === 0xbb && source[2] === 0xbf) {
    return decode(source.subarray(3), 'utf-8');
  }
  const declared = declaredEncoding(source);
  if (declared === undefined) return decode(source, 'utf-8');
  const label = ALIASES[declared] ?? declared;
  try {
    return { text: stripBom(new TextDecoder(label).decode(source)), encoding: label };
  } catch {
    return { ...decode(source, 'utf-8'), unknownEncoding: declared };
  }
}

/** Reads `encoding="..."` from the XML declaration, looking only at the first bytes as ASCII. */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, Math.min(bytes.length, 200)));
  const match = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return match?.[1]?.toLowerCase();
}

function decode(bytes: Uint8Array, label: string): DecodedSource {
  return { text: stripBom(new TextDecoder(label).decode(bytes)), encoding: label };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
