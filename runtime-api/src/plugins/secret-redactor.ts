/** What a redacted secret looks like wherever it would have appeared. */
export const MASK = '********';

/**
 * Shorter values are not worth redacting: a 3-character "secret" would blank out ordinary words in
 * every line. Real secrets (tokens, passwords) are longer.
 */
const MIN_SECRET_LENGTH = 4;
const MAX_DEPTH = 8;

/** Every string inside a secret value (a secret may be an object, e.g. a client certificate pair). */
function stringsOf(value: unknown, out: string[], depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out, depth + 1);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) stringsOf(v, out, depth + 1);
}

/**
 * Takes a plugin's secret values out of text it produced (log lines, failure messages, health
 * details) before the runtime writes or returns it. It catches the values as given, not encodings
 * of them (a base64 `user:password` header is the plugin's responsibility).
 */
export class SecretRedactor {
  private readonly needles: string[];

  constructor(secretValues: readonly unknown[]) {
    const all: string[] = [];
    for (const v of secretValues) stringsOf(v, all);
    // Longest first, so a secret containing another is replaced whole.
    this.needles = [...new Set(all.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
      (a, b) => b.length - a.length,
    );
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  text(s: string): string {
    let out = s;
    for (const needle of this.needles) out = out.split(needle).join(MASK);
    return out;
  }

  /** A copy of `value` with every string redacted; errors become `{name, message}`; cycles cut. */
  value(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value !== 'object' || value === null) {
      return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint'
        ? String(value)
        : value;
    }
    if (depth > MAX_DEPTH || seen.has(value)) return '[…]';
    seen.add(value);
    if (value instanceof Error) return { name: value.name, message: this.text(value.message) };
    if (Array.isArray(value)) return value.map((v) => this.value(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.value(v, depth + 1, seen);
    return out;
  }
}
