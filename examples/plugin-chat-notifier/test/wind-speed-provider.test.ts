import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readPluginPackage, testFactProvider, TEST_EPOCH } from '@safeflow/plugin-sdk/testing';
import type { JsonValue } from '@safeflow/plugin-sdk';
import plugin, { type ChatNotifierConfig } from '../src/index.js';
import { closedPort, startLocalServer, type LocalServer } from './local-server.js';

const manifest = readPluginPackage(new URL('..', import.meta.url)).manifest;
const API_KEY = 'om-commercial-key-8c1f';
const OBSERVED = TEST_EPOCH - 10 * 60_000; // the last 15-minute slot, 10 minutes ago

let weather: LocalServer;

/** An Open-Meteo forecast answer with `current` asked for in m/s and unix time. */
function openMeteo(current: Record<string, unknown>, units: Record<string, unknown> = {}) {
  return {
    latitude: 31.25,
    longitude: 121.5,
    generationtime_ms: 0.03,
    utc_offset_seconds: 0,
    timezone: 'GMT',
    timezone_abbreviation: 'GMT',
    elevation: 6,
    current_units: {
      time: 'unixtime',
      interval: 'seconds',
      wind_speed_10m: 'm/s',
      wind_gusts_10m: 'm/s',
      ...units,
    },
    current: { time: OBSERVED / 1000, interval: 900, ...current },
  };
}

beforeAll(async () => {
  weather = await startLocalServer(() => ({ json: openMeteo({ wind_speed_10m: 6.4 }) }));
});
afterAll(() => weather.close());
beforeEach(() => {
  weather.received = [];
  weather.answer = () => ({ json: openMeteo({ wind_speed_10m: 6.4 }) });
});

const config = (extra: Partial<ChatNotifierConfig> = {}): ChatNotifierConfig => ({
  flavour: 'wecom',
  webhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=unused-here',
  weatherApiUrl: `${weather.base}/v1/forecast`,
  sites: { 'crane-yard': { latitude: 31.2304, longitude: 121.4737 } },
  ...extra,
});

const fetchWind = (params: Record<string, JsonValue>, extra: Partial<ChatNotifierConfig> = {}) =>
  testFactProvider(plugin, 'wind-speed', params, { config: config(extra), manifest });

describe('wind-speed fact provider', () => {
  it('reads current.wind_speed_10m at coordinates: value in m/s, observation time, source', async () => {
    const run = await fetchWind({ latitude: 31.25, longitude: 121.5 });
    expect(run.error).toBeUndefined();
    expect(run.fact).toEqual({
      value: 6.4,
      unit: 'm/s',
      observedAt: OBSERVED,
      source: `${new URL(weather.base).host} wind_speed_10m at 31.25,121.5`,
    });
    expect(run.ageMs).toBe(10 * 60_000);
    const [req] = weather.received;
    expect(req!.method).toBe('GET');
    expect(req!.url.split('?')[0]).toBe('/v1/forecast');
    expect(Object.fromEntries(req!.query)).toEqual({
      latitude: '31.25',
      longitude: '121.5',
      current: 'wind_speed_10m',
      wind_speed_unit: 'ms',
      timeformat: 'unixtime',
    });
  });

  it('asks for a configured site by name, and for gusts', async () => {
    weather.answer = () => ({ json: openMeteo({ wind_gusts_10m: 11.3 }) });
    const run = await fetchWind({ site: 'crane-yard', measure: 'gusts' });
    expect(run.fact).toMatchObject({
      value: 11.3,
      unit: 'm/s',
      source: `${new URL(weather.base).host} wind_gusts_10m at site crane-yard`,
    });
    expect(weather.received[0]!.query.get('current')).toBe('wind_gusts_10m');
    expect(weather.received[0]!.query.get('latitude')).toBe('31.2304');
    expect(weather.received[0]!.query.get('longitude')).toBe('121.4737');
  });

  it('takes coordinates given as text (task headers are strings)', async () => {
    const run = await fetchWind({ latitude: '31.25', longitude: '-0.5' });
    expect(run.error).toBeUndefined();
    expect(weather.received[0]!.query.get('longitude')).toBe('-0.5');
  });

  it('converts other units to m/s and reads local ISO times with the UTC offset', async () => {
    weather.answer = () => ({
      json: {
        ...openMeteo({ wind_speed_10m: 36, time: '2025-01-01T07:45' }, { wind_speed_10m: 'km/h' }),
        utc_offset_seconds: 8 * 3600, // Asia/Shanghai
      },
    });
    const run = await fetchWind({ site: 'crane-yard' });
    expect(run.fact).toMatchObject({
      value: 10,
      unit: 'm/s',
      observedAt: TEST_EPOCH - 15 * 60_000,
    });

    weather.answer = () => ({ json: openMeteo({ wind_speed_10m: 21 }, { wind_speed_10m: 'kn' }) });
    expect((await fetchWind({ site: 'crane-yard' })).fact?.value).toBe(10.8);
    weather.answer = () => ({
      json: openMeteo(
        { wind_speed_10m: 10, time: '2024-12-31T23:50:00Z' },
        { wind_speed_10m: 'mp/h' },
      ),
    });
    expect((await fetchWind({ site: 'crane-yard' })).fact).toMatchObject({
      value: 4.47,
      observedAt: OBSERVED,
    });
  });

  it('sends the API key of a commercial plan, and never shows it', async () => {
    const run = await fetchWind({ site: 'crane-yard' }, { weatherApiKey: API_KEY });
    expect(weather.received[0]!.query.get('apikey')).toBe(API_KEY);
    expect(run.leakedSecrets).toEqual([]);
    expect(JSON.stringify(run.fact)).not.toContain(API_KEY);
  });

  it('refuses an unknown site (listing the configured ones) and ambiguous parameters', async () => {
    const unknown = await fetchWind({ site: 'tank-farm' });
    expect((unknown.error as Error).message).toBe(
      "site 'tank-farm' is not configured (configured sites: crane-yard)",
    );
    const both = await fetchWind({ site: 'crane-yard', latitude: 1, longitude: 2 });
    expect((both.error as Error).message).toBe(
      'give either a site or latitude and longitude, not both',
    );
    const outOfRange = await fetchWind({ latitude: '95', longitude: '10' });
    expect((outOfRange.error as Error).message).toBe(
      'latitude must be a number between -90 and 90',
    );
    expect(weather.received).toEqual([]);
  });

  it('throws on an API refusal with its reason, a server error, and answers without a value', async () => {
    weather.answer = () => ({
      status: 400,
      json: { error: true, reason: 'Latitude must be in range of -90 to 90°. Given: 100.0.' },
    });
    const refused = await fetchWind({ site: 'crane-yard' });
    expect((refused.error as Error).message).toBe(
      `weather API at ${weather.base} answered HTTP 400: Latitude must be in range of -90 to 90°. Given: 100.0.`,
    );
    expect(refused.fact).toBeUndefined();

    weather.answer = () => ({ status: 503, text: 'Service Unavailable' });
    expect(((await fetchWind({ site: 'crane-yard' })).error as Error).message).toBe(
      `weather API at ${weather.base} answered HTTP 503: Service Unavailable`,
    );

    // No data for the slot: Open-Meteo answers null. A gate must not pass on it.
    weather.answer = () => ({ json: openMeteo({ wind_speed_10m: null }) });
    expect(((await fetchWind({ site: 'crane-yard' })).error as Error).message).toBe(
      'weather API answered no wind_speed_10m value (got null)',
    );
    weather.answer = () => ({ json: { latitude: 31.25 } });
    expect(((await fetchWind({ site: 'crane-yard' })).error as Error).message).toBe(
      'weather API answered without a "current" block',
    );
    weather.answer = () => ({ json: openMeteo({ wind_speed_10m: 3 }, { wind_speed_10m: 'bft' }) });
    expect(((await fetchWind({ site: 'crane-yard' })).error as Error).message).toBe(
      "weather API answered wind_speed_10m in an unknown unit 'bft'",
    );
    weather.answer = () => ({ json: openMeteo({ wind_speed_10m: 3, time: 'yesterday' }) });
    expect(((await fetchWind({ site: 'crane-yard' })).error as Error).message).toBe(
      'weather API answered no usable current.time (got "yesterday")',
    );
    weather.answer = () => ({ text: 'not json' });
    expect(((await fetchWind({ site: 'crane-yard' })).error as Error).message).toBe(
      `weather API at ${weather.base} answered something that is not JSON: not json`,
    );
  });

  it('throws when the API does not answer within timeoutMs, or nothing listens', async () => {
    weather.answer = () => 'hang';
    const slow = await fetchWind({ site: 'crane-yard' }, { timeoutMs: 200 });
    expect(slow.fact).toBeUndefined();
    expect((slow.error as Error).message).toBe(
      `weather API at ${weather.base} failed: timed out after 200 ms`,
    );
    const port = await closedPort();
    const refused = await fetchWind(
      { site: 'crane-yard' },
      { weatherApiUrl: `http://127.0.0.1:${port}/v1/forecast` },
    );
    expect((refused.error as Error).message).toBe(
      `weather API at http://127.0.0.1:${port} failed: ECONNREFUSED`,
    );
  });
});
