import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPluginPackage, readPluginPackage, testConnector } from '@safeflow/plugin-sdk/testing';
import plugin, {
  compileMapping,
  createMqttConnectorPlugin,
  defaultClientId,
  deviceQuality,
  deviceTimestamp,
  filterCovers,
  matchTopic,
  MessagePayload,
  parseTopicFilter,
  readingFromMessage,
  reconnectDelayMs,
  resolveSettings,
  subscriptionFilters,
} from '../src/index.js';

const pkg = readPluginPackage(new URL('..', import.meta.url));
const defaults = { source: 'mqtt:test', maxPayloadBytes: 1024, receivedAt: 1_000_000 };

/** One message through one mapping. */
function read(mapping: Record<string, unknown>, topic: string, payload: string | Buffer) {
  const m = compileMapping(mapping, 0);
  const captured = matchTopic(m.filter, topic);
  if (!captured) throw new Error(`${topic} does not match ${m.filter.text}`);
  return readingFromMessage(m, topic, captured, new MessagePayload(Buffer.from(payload)), defaults);
}

describe('the plugin package', () => {
  it('has a manifest that matches the code (name, connectors, secrets, sdk range, main)', () => {
    expect(checkPluginPackage(plugin, pkg, { mainMustExist: true })).toEqual([]);
    expect(pkg.manifest.contributes).toEqual({ connectors: ['mqtt'] });
    expect(pkg.manifest.secrets).toEqual(['brokerPasswords']);
  });

  it('its configSchema names exactly the settings and mapping fields the code accepts', () => {
    type Props = { properties: Record<string, unknown> };
    const schema = pkg.manifest.configSchema as {
      properties: { connections: { items: { properties: { settings: Props } } } };
    };
    const settings = schema.properties.connections.items.properties.settings;
    const mapping = (settings.properties.mappings as { items: Props }).items;
    const every = (p: Props) =>
      Object.fromEntries(Object.keys(p.properties).map((k) => [k, undefined]));
    const mappings = [{ ...every(mapping), topic: 'a', tag: 't' }];
    // Fields the code does not know are refused by name, so none of these may throw.
    expect(() =>
      resolveSettings({ ...every(settings), url: 'mqtt://b', mappings }, {}),
    ).not.toThrow();
    expect(Object.keys(settings.properties).sort()).toEqual([
      'clientId',
      'connectTimeoutMs',
      'keepaliveSeconds',
      'mappings',
      'maxPayloadBytes',
      'maxReconnectPeriodMs',
      'passwordRef',
      'persistentSession',
      'protocolVersion',
      'qos',
      'reconnectPeriodMs',
      'sessionExpirySeconds',
      'source',
      'tls',
      'url',
      'username',
    ]);
    expect(() => resolveSettings({ url: 'mqtt://b', mappings, retain: true }, {})).toThrow(
      'settings.retain is not a setting',
    );
  });
});

describe('topic filters', () => {
  it('match topics and capture what each wildcard matched', () => {
    const f = parseTopicFilter('plant/+/gas/+');
    expect(f.wildcards).toBe(2);
    expect(matchTopic(f, 'plant/unit3/gas/h2s')).toEqual(['unit3', 'h2s']);
    expect(matchTopic(f, 'plant/unit3/gas')).toBeUndefined();
    expect(matchTopic(f, 'plant/unit3/gas/h2s/extra')).toBeUndefined();
    expect(matchTopic(f, 'plant//gas/h2s')).toEqual(['', 'h2s']);
    const rest = parseTopicFilter('site/#');
    expect(matchTopic(rest, 'site/a/b/c')).toEqual(['a/b/c']);
    // `site/#` also matches `site` itself (MQTT 3.1.1 §4.7.1.2).
    expect(matchTopic(rest, 'site')).toEqual(['']);
    expect(matchTopic(rest, 'other/a')).toBeUndefined();
  });

  it('do not match $-topics with a leading wildcard', () => {
    expect(matchTopic(parseTopicFilter('#'), '$SYS/broker/uptime')).toBeUndefined();
    expect(matchTopic(parseTopicFilter('+/broker/uptime'), '$SYS/broker/uptime')).toBeUndefined();
    expect(matchTopic(parseTopicFilter('$SYS/#'), '$SYS/broker/uptime')).toEqual(['broker/uptime']);
  });

  it('refuse malformed filters with the reason', () => {
    expect(() => parseTopicFilter('a/#/b')).toThrow("uses '#' before the last level");
    expect(() => parseTopicFilter('a/b#')).toThrow("uses '#' inside a level");
    expect(() => parseTopicFilter('a/+b')).toThrow("uses '+' inside a level");
    expect(() => parseTopicFilter('')).toThrow('is empty');
  });

  it('property: a topic made from a filter by filling its wildcards matches it and gives the fills back', () => {
    const level = fc.stringMatching(/^[a-z0-9_-]{0,6}$/);
    const filterLevel = fc.oneof(level, fc.constant('+'));
    fc.assert(
      fc.property(
        fc.array(filterLevel, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.array(level, { minLength: 6, maxLength: 6 }),
        fc.array(level, { minLength: 0, maxLength: 3 }),
        (levels, hash, fills, tail) => {
          const filterText = [...levels, ...(hash ? ['#'] : [])].join('/');
          fc.pre(filterText !== '');
          const filter = parseTopicFilter(filterText);
          const expected: string[] = [];
          const topicLevels = levels.map((l, i) => {
            if (l !== '+') return l;
            expected.push(fills[i]!);
            return fills[i]!;
          });
          if (hash) expected.push(tail.join('/'));
          const topic = [...topicLevels, ...(hash ? tail : [])].join('/');
          // An empty tail under `#` is the parent topic itself (`a/#` matches `a`).
          expect(matchTopic(filter, topic)).toEqual(expected);
        },
      ),
    );
  });

  it('know which filter covers which, and subscribe to overlapping filters once', () => {
    const f = (t: string) => parseTopicFilter(t);
    expect(filterCovers(f('a/#'), f('a/+/b'))).toBe(true);
    expect(filterCovers(f('a/#'), f('a'))).toBe(true);
    expect(filterCovers(f('a/+'), f('a/b'))).toBe(true);
    expect(filterCovers(f('a/+'), f('a/#'))).toBe(false);
    expect(filterCovers(f('a/+/c'), f('a/b/+'))).toBe(false);
    expect(filterCovers(f('#'), f('$SYS/x'))).toBe(false);
    expect(
      subscriptionFilters(['p/+/gas/+', 'p/#', 'q/a', 'q/+', 'p/#', 'r/+/x', 'r/y/+'].map(f)),
    ).toEqual(['p/#', 'q/+', 'r/+/x', 'r/y/+']);
  });
});

describe('device quality', () => {
  it.each([
    ['good', 'good'],
    ['OK', 'good'],
    ['GoodLocalOverride', 'good'],
    ['uncertain', 'uncertain'],
    ['Uncertain_LastUsableValue', 'uncertain'],
    ['BAD', 'bad'],
    ['BadSensorFailure', 'bad'],
    [0, 'good'],
    [0x00a30000, 'good'],
    [0x40920000, 'uncertain'],
    [0x80000000, 'bad'],
    [-2147483648, 'bad'],
    [0xc0000000, 'bad'],
    ['0x408F0000', 'uncertain'],
    ['2150891520', 'bad'],
    [true, 'good'],
    [false, 'bad'],
  ] as const)('%s is %s', (raw, quality) => {
    expect(deviceQuality(raw)).toBe(quality);
  });

  it('leaves what it does not know undefined (the caller makes it bad), and a device map wins', () => {
    expect(deviceQuality('FAULT')).toBeUndefined();
    expect(deviceQuality(1.5)).toBeUndefined();
    expect(deviceQuality({ q: 1 })).toBeUndefined();
    expect(deviceQuality(0x1_0000_0000)).toBeUndefined();
    const map = { FAULT: 'bad', ok: 'uncertain', '0': 'bad' } as const;
    expect(deviceQuality('fault', map)).toBe('bad');
    expect(deviceQuality('OK', map)).toBe('uncertain');
    expect(deviceQuality(0, map)).toBe('bad');
    expect(deviceQuality('good', map)).toBe('good');
  });
});

describe('device timestamps', () => {
  it.each([
    [1740823200, 1740823200_000],
    [1740823200.5, 1740823200_500],
    [1740823200123, 1740823200123],
    ['1740823200', 1740823200_000],
    ['2025-03-01T10:00:00Z', Date.UTC(2025, 2, 1, 10)],
    ['2025-03-01T12:00:00.250+02:00', Date.UTC(2025, 2, 1, 10, 0, 0, 250)],
    ['2025-03-01 12:00:00+0200', Date.UTC(2025, 2, 1, 10)],
    ['2025-03-01T12:00+02', Date.UTC(2025, 2, 1, 10)],
    ['2025-03-01T10:00:00,5z', Date.UTC(2025, 2, 1, 10, 0, 0, 500)],
  ] as const)('%s is %d', (raw, ms) => {
    expect(deviceTimestamp(raw)).toBe(ms);
  });

  it.each([
    ['2025-03-01T10:00:00'],
    ['2025-03-01'],
    ['yesterday'],
    [0],
    [-5],
    [null],
    [true],
    [''],
  ])('refuses %s', (raw) => {
    expect(deviceTimestamp(raw)).toBeUndefined();
  });
});

describe('a message to a reading', () => {
  it('reads value, unit, time and quality through paths with array indexes', () => {
    const out = read(
      {
        topic: 'gw/+/+',
        tag: 'area.{1}.{2}',
        valuePath: 'channels[1].v',
        unitPath: 'channels[1].unit',
        timestampPath: 'meta.at',
        qualityPath: 'channels.1.q',
        source: 'gateway:{1}',
      },
      'gw/north/ch',
      JSON.stringify({
        channels: [{ v: 1 }, { v: 21.5, unit: '%LEL', q: 'Good' }],
        meta: { at: 1740823200 },
      }),
    );
    expect(out).toEqual({
      reading: {
        source: 'gateway:north',
        tag: 'area.north.ch',
        value: 21.5,
        unit: '%LEL',
        quality: 'good',
        timestamp: 1740823200_000,
      },
    });
  });

  it('never follows prototype fields', () => {
    const out = read({ topic: 'a', tag: 't', valuePath: 'constructor' }, 'a', '{}');
    expect(out.reading.quality).toBe('bad');
    expect(out.problem).toBe('payload has no value at valuePath');
  });

  it('converts with valueType, and a value that does not convert is bad', () => {
    const n = (p: string) => read({ topic: 'a', tag: 't', valueType: 'number' }, 'a', p).reading;
    expect(n(' 12.5 ').value).toBe(12.5);
    expect(n('1e3').value).toBe(1000);
    expect(n('12 ppm')).toMatchObject({ quality: 'bad', value: '12 ppm' });
    const b = (p: string) => read({ topic: 'a', tag: 't', valueType: 'boolean' }, 'a', p).reading;
    expect([b('ON').value, b('0').value, b('true').value]).toEqual([true, false, true]);
    const s = read({ topic: 'a', tag: 't', valueType: 'string' }, 'a', ' 007 ').reading;
    expect(s.value).toBe('007');
    const fromJson = read(
      { topic: 'a', tag: 't', valuePath: 'v', valueType: 'number' },
      'a',
      '{"v":"3.5"}',
    );
    expect(fromJson.reading.value).toBe(3.5);
  });

  it('keeps only the start of a long bad payload as its value', () => {
    const out = read({ topic: 'a', tag: 't', valuePath: 'v' }, 'a', 'x'.repeat(500));
    expect(out.reading.value).toBe('x'.repeat(200));
  });

  it('takes the worst of device quality and a missing time', () => {
    const out = read(
      { topic: 'a', tag: 't', valuePath: 'v', qualityPath: 'q', timestampPath: 'at' },
      'a',
      '{"v":1,"q":"Uncertain"}',
    );
    expect(out.reading).toMatchObject({ quality: 'uncertain', timestamp: defaults.receivedAt });
    expect(out.problem).toBe('payload has no timestamp');
  });
});

describe('mappings and settings are checked at start', () => {
  const bad: Array<[string, Record<string, unknown>, string]> = [
    [
      'a placeholder beyond the wildcards',
      { topic: 'a/+', tag: '{2}' },
      "mappings[0].tag '{2}' uses {2} but topic 'a/+' has 1 wildcard(s)",
    ],
    [
      'an unknown placeholder',
      { topic: 'a/+', tag: '{name}' },
      'has an unknown placeholder {name}',
    ],
    ['an unclosed brace', { topic: 'a/+', tag: '{1' }, 'has an unclosed { or }'],
    [
      'a malformed path',
      { topic: 'a', tag: 't', valuePath: 'a..b' },
      "mappings[0].valuePath 'a..b' has an empty part",
    ],
    [
      'a field path without valuePath',
      { topic: 'a', tag: 't', timestampPath: 'ts' },
      'mappings[0].timestampPath needs valuePath',
    ],
    [
      'a qualityMap without qualityPath',
      { topic: 'a', tag: 't', valuePath: 'v', qualityMap: { OK: 'good' } },
      'mappings[0].qualityMap needs qualityPath',
    ],
    [
      'a qualityMap value that is no quality',
      { topic: 'a', tag: 't', valuePath: 'v', qualityPath: 'q', qualityMap: { OK: 'fine' } },
      'mappings[0].qualityMap.OK must be good, uncertain or bad',
    ],
    [
      'an unknown field',
      { topic: 'a', tag: 't', scale: 2 },
      'mappings[0].scale is not a mapping field',
    ],
    [
      'a bad topic filter',
      { topic: 'a/#/b', tag: 't' },
      "mappings[0].topic: topic filter 'a/#/b' uses '#' before the last level",
    ],
  ];
  it.each(bad)('refuses %s', (_, mapping, message) => {
    expect(() => compileMapping(mapping, 0)).toThrow(message);
  });

  const mappings = [{ topic: 'a/+', tag: '{1}' }];
  it.each([
    [{ url: 'http://broker:1883', mappings }, 'settings.url must start with mqtt:// or mqtts://'],
    [{ url: 'mqtt://user:secret@broker', mappings }, 'settings.url must not carry credentials'],
    [{ url: 'mqtt://broker', mappings, password: 'x' }, 'settings.password is not allowed'],
    [
      { url: 'mqtt://broker', mappings, passwordRef: 'nope' },
      "settings.passwordRef 'nope' names no password in the secret brokerPasswords",
    ],
    [
      { url: 'mqtt://broker', mappings, tls: { ca: 'PEM' } },
      'settings.tls is set but settings.url is mqtt://',
    ],
    [
      { url: 'mqtts://broker', mappings, tls: { verify: false } },
      'settings.tls.verify is not a TLS setting',
    ],
    [{ url: 'mqtt://broker', mappings, qos: 3 }, 'settings.qos must be 0, 1 or 2'],
    [
      { url: 'mqtt://broker', mappings: [] },
      'settings.mappings must list at least one topic mapping',
    ],
    [
      { url: 'mqtt://broker', mappings, reconnectPeriodMs: 5000, maxReconnectPeriodMs: 1000 },
      'settings.maxReconnectPeriodMs must not be less than reconnectPeriodMs',
    ],
    [
      { url: 'mqtt://broker', mappings: [{ topic: 'a', tag: '{1}' }] },
      "settings.mappings[0].tag '{1}' uses {1}",
    ],
    [{ mappings }, 'settings.url is required'],
  ])('refuses %j', (settings, message) => {
    expect(() => resolveSettings(settings, { plant: 'pw' })).toThrow(message);
  });

  it('fills in the defaults', () => {
    const s = resolveSettings(
      { url: 'mqtts://broker.plant', mappings, passwordRef: 'plant' },
      { plant: 'pw-1234' },
    );
    expect(s).toMatchObject({
      url: 'mqtts://broker.plant:8883',
      port: 8883,
      password: 'pw-1234',
      qos: 1,
      persistentSession: true,
      protocolVersion: 4,
      keepaliveSeconds: 30,
      reconnectPeriodMs: 1000,
      maxReconnectPeriodMs: 30000,
      source: 'mqtt:broker.plant:8883',
    });
    expect(resolveSettings({ url: 'mqtt://[::1]', mappings }, undefined)).toMatchObject({
      host: '::1',
      port: 1883,
      url: 'mqtt://[::1]:1883',
    });
  });

  it('a connection that cannot start fails with the reason and no password in it', async () => {
    const config = { brokerPasswords: { plant: 'hunter2-secret' } };
    await expect(
      testConnector(
        plugin,
        'mqtt',
        { url: 'mqtt://broker', passwordRef: 'other', mappings },
        { config },
      ),
    ).rejects.toThrow(
      "connector 'mqtt' did not start: settings.passwordRef 'other' names no password in the secret brokerPasswords",
    );
  });

  it('refuses a second connection with the same client id to the same broker', async () => {
    const p = createMqttConnectorPlugin();
    const settings = {
      url: 'mqtt://127.0.0.1:9',
      clientId: 'sf-dup',
      reconnectPeriodMs: 60_000,
      mappings,
    };
    const first = await testConnector(p, 'mqtt', settings);
    try {
      await expect(testConnector(p, 'mqtt', settings)).rejects.toThrow(
        "clientId 'sf-dup' is already used by another connection to mqtt://127.0.0.1:9",
      );
    } finally {
      await first.stop();
    }
  });
});

describe('client id and back-off', () => {
  it('the default client id is stable for one configuration and differs for another', () => {
    const a = defaultClientId({ url: 'mqtt://b:1883', mappings, host: 'safeflow-1' });
    expect(a).toMatch(/^sf-[0-9a-f]{20}$/);
    expect(defaultClientId({ url: 'mqtt://b:1883', mappings, host: 'safeflow-1' })).toBe(a);
    expect(defaultClientId({ url: 'mqtt://b:1883', mappings, host: 'safeflow-2' })).not.toBe(a);
    expect(defaultClientId({ url: 'mqtt://c:1883', mappings, host: 'safeflow-1' })).not.toBe(a);
  });
  const mappings = [{ topic: 'a/+', tag: '{1}' }];

  it('doubles from the first period up to the longest, spread by at most 20 %', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => reconnectDelayMs(n, 1000, 30_000, mid))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
    expect(reconnectDelayMs(1, 1000, 30_000, () => 0)).toBe(800);
    expect(reconnectDelayMs(1, 1000, 30_000, () => 0.999_999)).toBe(1200);
    expect(reconnectDelayMs(9, 1000, 30_000, () => 0.999_999)).toBe(30000);
    expect(reconnectDelayMs(500, 1000, 30_000, mid)).toBe(30000);
  });
});
