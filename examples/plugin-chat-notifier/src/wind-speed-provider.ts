import type { FactProvider, JsonSchema, JsonValue, PluginContext } from '@safeflow/plugin-sdk';
import {
  DEFAULT_TIMEOUT_MS,
  DEFAULT_WEATHER_API_URL,
  type ChatNotifierConfig,
  type Site,
} from './chat-config.js';
import { fetchFailure, quoted } from './http-failure.js';
import { readCurrentWind, WIND_VARIABLE, type WindMeasure } from './open-meteo-current.js';

/** A decimal number as text: task headers are strings, so coordinates may come as `"31.23"`. */
const DECIMAL = '^-?[0-9]{1,3}(\\.[0-9]+)?$';

const coordinate = (limit: number): JsonSchema => ({
  anyOf: [
    { type: 'number', minimum: -limit, maximum: limit },
    { type: 'string', pattern: DECIMAL },
  ],
});

/**
 * Where to ask: a site configured in the plugin, or coordinates (numbers from a `params`
 * variable, or numeric text from task headers). `measure`: the mean wind or gusts.
 */
export const WIND_PARAMS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    site: { type: 'string', minLength: 1 },
    latitude: coordinate(90),
    longitude: coordinate(180),
    measure: { enum: ['speed', 'gusts'] },
  },
  anyOf: [{ required: ['site'] }, { required: ['latitude', 'longitude'] }],
};

interface Place extends Site {
  /** How the place was named, for the fact's source. */
  label: string;
}

function coordinateOf(v: JsonValue | undefined, name: string, limit: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > limit)
    throw new Error(`${name} must be a number between -${limit} and ${limit}`);
  return n;
}

/** The place the parameters name; throws saying what is wrong (an unknown site lists the known). */
function placeOf(params: Record<string, JsonValue>, config: ChatNotifierConfig): Place {
  const hasCoordinates = params.latitude !== undefined || params.longitude !== undefined;
  if (params.site !== undefined && hasCoordinates)
    throw new Error('give either a site or latitude and longitude, not both');
  if (params.site !== undefined) {
    const name = String(params.site);
    const site = Object.hasOwn(config.sites ?? {}, name) ? config.sites![name] : undefined;
    if (!site) {
      const known = Object.keys(config.sites ?? {});
      throw new Error(
        `site '${name}' is not configured (configured sites: ${known.join(', ') || 'none'})`,
      );
    }
    return { ...site, label: `site ${name}` };
  }
  const latitude = coordinateOf(params.latitude, 'latitude', 90);
  const longitude = coordinateOf(params.longitude, 'longitude', 180);
  return { latitude, longitude, label: `${latitude},${longitude}` };
}

function weatherRequestUrl(config: ChatNotifierConfig, place: Place, measure: WindMeasure): URL {
  const url = new URL(config.weatherApiUrl ?? DEFAULT_WEATHER_API_URL);
  url.searchParams.set('latitude', String(place.latitude));
  url.searchParams.set('longitude', String(place.longitude));
  url.searchParams.set('current', WIND_VARIABLE[measure]);
  url.searchParams.set('wind_speed_unit', 'ms');
  // Unix seconds: no time zone to get wrong.
  url.searchParams.set('timeformat', 'unixtime');
  if (config.weatherApiKey) url.searchParams.set('apikey', config.weatherApiKey);
  return url;
}

/** Open-Meteo explains a refusal as `{"error": true, "reason": "…"}`. */
function reasonOf(text: string): string {
  try {
    const json = JSON.parse(text) as { reason?: unknown };
    if (typeof json.reason === 'string') return quoted(json.reason);
  } catch {
    // not JSON: the text itself
  }
  return quoted(text);
}

/**
 * `wind-speed`: the current wind 10 m above ground at a site or coordinates, in m/s, with the
 * time the weather service says it was observed, so a gate can refuse a stale one. For lifting
 * and work-at-height gates (GB 30871-2022: no outdoor lifting in wind ≥ force 6; gusts ≥ force 5
 * are an objective hazard of work at height). Any failure throws — the `safeflow:fact` job is
 * retried and the gate does not pass on a guess.
 */
export const windSpeedProvider: FactProvider<ChatNotifierConfig> = {
  description: 'Current wind speed (m/s, 10 m) from an Open-Meteo-style weather API',
  paramsSchema: WIND_PARAMS_SCHEMA,
  async fetch(params, ctx: PluginContext<ChatNotifierConfig>) {
    const config = ctx.config;
    const place = placeOf(params, config);
    const measure: WindMeasure = params.measure === 'gusts' ? 'gusts' : 'speed';
    const url = weatherRequestUrl(config, place, measure);
    const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const limit = AbortSignal.timeout(timeoutMs);
    const api = `weather API at ${url.origin}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        headers: { Accept: 'application/json' },
        signal: AbortSignal.any([ctx.signal, limit]),
      });
      text = await res.text();
    } catch (e) {
      throw new Error(`${api} failed: ${fetchFailure(e, ctx.signal, limit, timeoutMs)}`);
    }
    if (!res.ok) throw new Error(`${api} answered HTTP ${res.status}: ${reasonOf(text)}`);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new Error(`${api} answered something that is not JSON: ${quoted(text)}`);
    }
    const wind = readCurrentWind(answer, measure);
    ctx.logger.debug('wind speed read', {
      place: place.label,
      measure,
      metresPerSecond: wind.metresPerSecond,
    });
    return {
      value: wind.metresPerSecond,
      unit: 'm/s',
      observedAt: wind.observedAt,
      source: `${url.host} ${WIND_VARIABLE[measure]} at ${place.label}`,
    };
  },
};
