import type { ReadingQuality } from '@safeflow/plugin-sdk';

/**
 * Turns a device's own quality indicator into SafeFlow's `good` / `uncertain` / `bad`:
 *
 * - the mapping's `qualityMap` first (device-specific codes: `{"OK": "good", "CAL": "uncertain"}`),
 *   by exact text, then ignoring case;
 * - booleans: `true` is good (a "valid" flag), `false` bad;
 * - numbers (and `0x…` or decimal text) as OPC UA StatusCodes: the top two bits are the severity —
 *   `0x0…` good, `0x4…` uncertain, `0x8…`/`0xC…` bad (so `0` is good);
 * - text: `good`/`ok`, `uncertain`, `bad`, and OPC UA code names by prefix (`GoodClamped`,
 *   `Uncertain_SensorNotAccurate`, `BadSensorFailure`), ignoring case.
 *
 * Anything else is `undefined`: a code nobody mapped. The caller treats it as bad — a device that
 * says something we do not understand about its value must not make that value good.
 */
export function deviceQuality(
  raw: unknown,
  qualityMap?: Readonly<Record<string, ReadingQuality>>,
): ReadingQuality | undefined {
  if (qualityMap && raw !== null && raw !== undefined && typeof raw !== 'object') {
    const text = String(raw);
    if (Object.hasOwn(qualityMap, text)) return qualityMap[text];
    const lower = text.toLowerCase();
    for (const [code, quality] of Object.entries(qualityMap))
      if (code.toLowerCase() === lower) return quality;
  }
  if (typeof raw === 'boolean') return raw ? 'good' : 'bad';
  if (typeof raw === 'number') return statusCodeQuality(raw);
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim().toLowerCase();
  if (/^(0x[0-9a-f]{1,8}|\d+)$/.test(text)) return statusCodeQuality(Number(text));
  if (text === 'ok' || text.startsWith('good')) return 'good';
  if (text.startsWith('uncertain')) return 'uncertain';
  if (text.startsWith('bad')) return 'bad';
  return undefined;
}

/** OPC UA StatusCode severity (Part 4, 7.39): bits 31–30 are 00 good, 01 uncertain, 1x bad. */
function statusCodeQuality(code: number): ReadingQuality | undefined {
  // Signed 32-bit forms (0x80000000 as -2147483648) are the same code.
  if (!Number.isInteger(code) || code < -0x8000_0000 || code > 0xffff_ffff) return undefined;
  const severity = (code >>> 30) & 0b11;
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}

const RANK: Record<ReadingQuality, number> = { good: 0, uncertain: 1, bad: 2 };

/** The worse of two qualities: a reading is only as good as its weakest part. */
export function worseQuality(a: ReadingQuality, b: ReadingQuality): ReadingQuality {
  return RANK[a] >= RANK[b] ? a : b;
}
