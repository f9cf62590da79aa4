/** Which Open-Meteo `current` variable a wind question reads (10 m above ground). */
export const WIND_VARIABLE = {
  speed: 'wind_speed_10m',
  gusts: 'wind_gusts_10m',
} as const;

export type WindMeasure = keyof typeof WIND_VARIABLE;

/** Factors to m/s of the units Open-Meteo (and services copying it) answer wind speeds in. */
const TO_METRES_PER_SECOND: Record<string, number> = {
  'm/s': 1,
  'km/h': 1 / 3.6,
  'mp/h': 0.44704,
  mph: 0.44704,
  kn: 0.514444,
  kt: 0.514444,
};

/** One wind value read from a weather answer, in m/s, with when it was observed. */
export interface WindObservation {
  metresPerSecond: number;
  observedAt: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `2025-03-01T08:15` (Open-Meteo's iso8601 form, local to `utc_offset_seconds`), or with seconds/zone. */
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The observation time: unix seconds (`timeformat=unixtime`, what this plugin asks for), or an
 * ISO time — without a zone it is local to the answer's `utc_offset_seconds`, as Open-Meteo
 * gives it when asked for a timezone. Undefined when it is neither.
 */
function observedAtOf(time: unknown, utcOffsetSeconds: unknown): number | undefined {
  if (typeof time === 'number') return Number.isFinite(time) ? time * 1000 : undefined;
  if (typeof time !== 'string') return undefined;
  const local = ISO_LOCAL.exec(time);
  if (local) {
    const [, y, mo, d, h, mi, s] = local.map(Number) as number[];
    const offset = typeof utcOffsetSeconds === 'number' ? utcOffsetSeconds : 0;
    return Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : s!) - offset * 1000;
  }
  // A full ISO time with a zone (Z or ±hh:mm) is unambiguous.
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(time)) {
    const t = Date.parse(time);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/**
 * Reads `current.<variable>` with its unit from `current_units` and its time from `current.time`.
 * Throws, saying what is missing, when the answer does not hold a usable value: a gate must never
 * pass on a wind speed that was not there (Open-Meteo answers `null` when it has no data).
 */
export function readCurrentWind(answer: unknown, measure: WindMeasure): WindObservation {
  const variable = WIND_VARIABLE[measure];
  if (!isObject(answer) || !isObject(answer.current))
    throw new Error('weather API answered without a "current" block');
  const raw = answer.current[variable];
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0)
    throw new Error(
      `weather API answered no ${variable} value (got ${JSON.stringify(raw ?? null)})`,
    );
  const units = isObject(answer.current_units) ? answer.current_units : {};
  // Asked for in m/s (`wind_speed_unit=ms`); an answer without units is taken as asked.
  const unit = typeof units[variable] === 'string' ? (units[variable] as string) : 'm/s';
  const factor = TO_METRES_PER_SECOND[unit];
  if (factor === undefined)
    throw new Error(`weather API answered ${variable} in an unknown unit '${unit}'`);
  const observedAt = observedAtOf(answer.current.time, answer.utc_offset_seconds);
  if (observedAt === undefined)
    throw new Error(
      `weather API answered no usable current.time (got ${JSON.stringify(answer.current.time ?? null)})`,
    );
  return { metresPerSecond: Math.round(raw * factor * 100) / 100, observedAt };
}
