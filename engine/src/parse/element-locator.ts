/** 1-based position in the source text. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export type ElementLocator = (elementId: string | undefined) => SourcePosition | undefined;

/**
 * Maps element ids to where `id="<id>"` is written, so every problem about an element can point at
 * a line even though moddle keeps no positions. One linear scan, built lazily on first use; the
 * first occurrence wins (duplicates are a moddle warning of their own).
 */
export function createElementLocator(sourceText: string): ElementLocator {
  let index: Map<string, SourcePosition> | undefined;
  return (elementId) => {
    if (elementId === undefined) return undefined;
    index ??= indexIds(sourceText);
    return index.get(elementId);
  };
}

/** Converts a character offset into a 1-based line/column. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function indexIds(text: string): Map<string, SourcePosition> {
  const index = new Map<string, SourcePosition>();
  // `\sid=` only: must not match `processId=`, `dataObjectRef=` or `xml:id`-like prefixes.
  const pattern = /\sid\s*=\s*(["'])(.*?)\1/g;
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const at = m.index + 1;
    // Advance the line counter incrementally so the whole scan stays linear.
    for (; scanned < at; scanned++) {
      if (text.charCodeAt(scanned) === 10) {
        line++;
        lineStart = scanned + 1;
      }
    }
    const id = decodeXmlAttribute(m[2] ?? '');
    if (!index.has(id)) index.set(id, { line, column: at - lineStart + 1 });
  }
  return index;
}

function decodeXmlAttribute(value: string): string {
  if (!value.includes('&')) return value;
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
