import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import {
  leakedSecrets,
  readPluginPackage,
  TEST_EPOCH,
  testConnector,
  type ConnectorHarness,
} from '@safeflow/plugin-sdk/testing';
import type { Reading } from '@safeflow/plugin-sdk';
import {
  createMqttConnectorPlugin,
  type MqttConnectorConfig,
  type MqttConnectorPlugin,
} from '../src/index.js';
import {
  brokerProblem,
  eventually,
  openSockets,
  publisher,
  skipBanner,
  uniquePrefix,
} from './broker-test-kit.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** The machine's Mosquitto; override with SAFEFLOW_TEST_MQTT_URL. */
const BROKER = process.env.SAFEFLOW_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const BROKER_PORT = Number(new URL(BROKER).port || 1883);
const manifest = readPluginPackage(new URL('..', import.meta.url)).manifest;

const problem = await brokerProblem(BROKER);

function suite() {
  const prefix = uniquePrefix();
  let pub: MqttClient;
  const harnesses: ConnectorHarness[] = [];
  const proxies: TcpProxy[] = [];
  const clientIds = new Set<string>();

  beforeAll(async () => {
    pub = await publisher(BROKER);
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.stop();
    for (const p of proxies.splice(0)) await p.close();
    // Persistent sessions outlive the test on the shared broker; a clean connect removes them.
    for (const id of [...clientIds]) {
      const c = await publisher(BROKER, { clientId: id, clean: true });
      await c.endAsync();
    }
    clientIds.clear();
  });
  afterAll(async () => {
    await pub?.endAsync();
  });

  const newClientId = () => {
    const id = `sf-t-${randomBytes(6).toString('hex')}`;
    clientIds.add(id);
    return id;
  };
  const publish = (topic: string, payload: string | Buffer, retain = false) =>
    pub.publishAsync(`${prefix}/${topic}`, payload, { qos: 1, retain });
  const json = (topic: string, body: unknown) => publish(topic, JSON.stringify(body));

  async function start(
    settings: Record<string, unknown>,
    config: MqttConnectorConfig = {},
    plugin = createMqttConnectorPlugin(),
  ) {
    const h = await testConnector(
      plugin,
      'mqtt',
      {
        url: BROKER,
        clientId: newClientId(),
        reconnectPeriodMs: 50,
        maxReconnectPeriodMs: 400,
        ...settings,
      },
      { config, manifest },
    );
    harnesses.push(h);
    return { h, plugin };
  }
  const proxy = async () => {
    const p = await startTcpProxy(BROKER_PORT);
    proxies.push(p);
    return p;
  };
  const statesOf = (h: ConnectorHarness) => h.statuses.map((s) => s.state);
  const count = (h: ConnectorHarness, state: string) =>
    h.statuses.filter((s) => s.state === state).length;

  it('maps wildcard topics to tags and reads value, unit and timestamp from JSON paths', async () => {
    const { h } = await start({
      mappings: [
        {
          topic: `${prefix}/plant/+/gas/+`,
          tag: '{1}.{2}',
          valuePath: 'data.ppm',
          unit: 'ppm',
          timestampPath: 'ts',
        },
      ],
    });
    await h.waitForStatus('connected');
    expect(h.statuses[0]).toMatchObject({ state: 'connecting' });
    expect(h.statuses[0]!.detail).toContain(`connecting to ${BROKER} as sf-t-`);
    expect(h.statuses[1]!.detail).toContain('subscribed to 1 of 1 topic filter(s)');

    await json('plant/unit3/gas/h2s', { data: { ppm: 12.5 }, ts: '2025-03-01T10:00:00Z' });
    await json('plant/unit4/gas/co', { data: { ppm: 3 }, ts: 1740823260 });
    await json('plant/unit4/gas/o2', { data: { ppm: 20.9 }, ts: 1740823320123 });
    await publish('plant/unit4/power/main', '230'); // no mapping: not subscribed at all

    expect(await h.waitForReadings(3)).toEqual([
      {
        source: 'mqtt:127.0.0.1:1883',
        tag: 'unit3.h2s',
        value: 12.5,
        unit: 'ppm',
        quality: 'good',
        timestamp: Date.parse('2025-03-01T10:00:00Z'),
      },
      {
        source: 'mqtt:127.0.0.1:1883',
        tag: 'unit4.co',
        value: 3,
        unit: 'ppm',
        quality: 'good',
        timestamp: 1740823260_000,
      },
      {
        source: 'mqtt:127.0.0.1:1883',
        tag: 'unit4.o2',
        value: 20.9,
        unit: 'ppm',
        quality: 'good',
        timestamp: 1740823320123,
      },
    ]);
    expect(h.rejected).toEqual([]);
  });

  it('takes raw numeric, boolean and text payloads as the value, stamped with the runtime clock', async () => {
    const { h } = await start({
      source: 'gas-gateway-1',
      mappings: [
        { topic: `${prefix}/raw/+`, tag: 'raw.{1}' },
        { topic: `${prefix}/typed/+`, tag: 'typed.{1}', valueType: 'number', unit: '%LEL' },
      ],
    });
    await h.waitForStatus('connected');
    await publish('raw/ppm', ' 42.5 ');
    await publish('raw/alarm', 'true');
    await publish('raw/door', 'OPEN');
    await publish('raw/label', '"zone 3"');
    await publish('typed/lel', '7');
    const readings = await h.waitForReadings(5);
    expect(readings.map((r) => [r.tag, r.value, r.quality])).toEqual([
      ['raw.ppm', 42.5, 'good'],
      ['raw.alarm', true, 'good'],
      ['raw.door', 'OPEN', 'good'],
      ['raw.label', 'zone 3', 'good'],
      ['typed.lel', 7, 'good'],
    ]);
    expect(readings.every((r) => r.timestamp === TEST_EPOCH)).toBe(true);
    expect(readings.every((r) => r.source === 'gas-gateway-1')).toBe(true);
    expect(readings[4]!.unit).toBe('%LEL');
  });

  it('maps device quality: words, OPC UA status codes and names, booleans, a device code map', async () => {
    const { h } = await start({
      mappings: [
        {
          topic: `${prefix}/q/+`,
          tag: 'q.{1}',
          valuePath: 'v',
          unitPath: 'u',
          unit: 'ppm',
          qualityPath: 'q',
          qualityMap: { CAL: 'uncertain', FAULT: 'bad', '192': 'good' },
        },
      ],
    });
    await h.waitForStatus('connected');
    const cases: Array<[string, unknown, string]> = [
      ['word', 'Good', 'good'],
      ['zero', 0, 'good'],
      ['uncertain', 0x40000000, 'uncertain'],
      ['bad-code', 0x80330000, 'bad'],
      ['bad-hex', '0x808A0000', 'bad'],
      ['name', 'Uncertain_SensorNotAccurate', 'uncertain'],
      ['flag-true', true, 'good'],
      ['flag-false', false, 'bad'],
      ['mapped-cal', 'cal', 'uncertain'],
      ['mapped-fault', 'FAULT', 'bad'],
      ['mapped-number', 192, 'good'],
      ['unknown', 'SQUAWK', 'bad'],
    ];
    for (const [name, q] of cases) await json(`q/${name}`, { v: 1, q, u: 'mg/m3' });
    await json('q/missing', { v: 2 });
    const readings = await h.waitForReadings(cases.length + 1);
    expect(readings.map((r) => [r.tag, r.quality])).toEqual([
      ...cases.map(([name, , quality]) => [`q.${name}`, quality]),
      ['q.missing', 'uncertain'],
    ]);
    // The unit from the payload wins; the configured one is the fallback.
    expect(readings[0]!.unit).toBe('mg/m3');
    expect(readings.at(-1)!.unit).toBe('ppm');
    // A code nobody mapped and a missing quality are worth a warning (once each, not per message).
    const warnings = h.logs.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toEqual([
      'payload has an unknown quality code; pushed as a bad reading',
      'payload has no quality; pushed as a uncertain reading',
    ]);
  });

  it('turns unreadable payloads into bad readings (never drops them) and keeps going', async () => {
    const { h, plugin } = await start({
      maxPayloadBytes: 64,
      mappings: [
        { topic: `${prefix}/gas/+`, tag: 'gas.{1}', valuePath: 'ppm', unit: 'ppm' },
        { topic: `${prefix}/flag/+`, tag: 'flag.{1}', valueType: 'boolean' },
      ],
    });
    await h.waitForStatus('connected');
    await publish('gas/a', 'not json {');
    await json('gas/b', { ppb: 3 });
    await json('gas/c', { ppm: { value: 3 } });
    await json('gas/d', { ppm: null });
    await publish('gas/e', JSON.stringify({ ppm: 1, pad: 'x'.repeat(100) }));
    await publish('gas/f', Buffer.alloc(0));
    await publish('flag/g', 'maybe');
    await json('gas/ok', { ppm: 4.2 });
    const readings = await h.waitForReadings(8);
    expect(readings.map((r) => [r.tag, r.quality, r.value])).toEqual([
      ['gas.a', 'bad', 'not json {'],
      ['gas.b', 'bad', '{"ppb":3}'],
      ['gas.c', 'bad', '{"ppm":{"value":3}}'],
      ['gas.d', 'bad', '{"ppm":null}'],
      ['gas.e', 'bad', JSON.stringify({ ppm: 1, pad: 'x'.repeat(100) })],
      ['gas.f', 'bad', ''],
      ['flag.g', 'bad', 'maybe'],
      ['gas.ok', 'good', 4.2],
    ]);
    expect(readings.every((r) => r.timestamp === TEST_EPOCH)).toBe(true);
    expect(h.rejected).toEqual([]);
    const warnings = h.logs.filter((l) => l.level === 'warn');
    // A warning for the first payload with each problem, then only at 10, 100 … occurrences:
    // gas/d has the same problem as gas/b.
    expect(warnings.map((w) => w.message)).toEqual([
      'payload is not JSON; pushed as a bad reading',
      'payload has no value at valuePath; pushed as a bad reading',
      'payload has an object as value at valuePath; pushed as a bad reading',
      'payload of 118 bytes is over maxPayloadBytes; pushed as a bad reading',
      'payload is empty; pushed as a bad reading',
      'payload has a value that is not a boolean; pushed as a bad reading',
    ]);
    expect(warnings[0]!.fields).toMatchObject({ topic: `${prefix}/gas/a`, tag: 'gas.a' });
    const [summary] = plugin.connectionSummaries();
    expect(summary).toMatchObject({
      messages: 8,
      duplicates: 0,
      readings: { good: 1, uncertain: 0, bad: 7 },
      unmapped: 0,
    });
    expect(await plugin.health!({} as never)).toEqual({
      status: 'up',
      detail: '1 of 1 connection(s) connected; readings 1 good, 0 uncertain, 7 bad',
    });
  });

  it('marks a reading uncertain when the device time is missing or unreadable', async () => {
    const { h } = await start({
      mappings: [{ topic: `${prefix}/t/+`, tag: 't.{1}', valuePath: 'v', timestampPath: 'at' }],
    });
    await h.waitForStatus('connected');
    await json('t/iso-offset', { v: 1, at: '2025-03-01T12:00:00+02:00' });
    await json('t/no-zone', { v: 2, at: '2025-03-01T12:00:00' });
    await json('t/missing', { v: 3 });
    await json('t/zero', { v: 4, at: 0 });
    const readings = await h.waitForReadings(4);
    expect(readings.map((r) => [r.tag, r.quality, r.timestamp])).toEqual([
      ['t.iso-offset', 'good', Date.parse('2025-03-01T10:00:00Z')],
      ['t.no-zone', 'uncertain', TEST_EPOCH],
      ['t.missing', 'uncertain', TEST_EPOCH],
      ['t.zero', 'uncertain', TEST_EPOCH],
    ]);
  });

  it('gives one reading per matching mapping and subscribes to overlapping filters once', async () => {
    const { h } = await start({
      mappings: [
        { topic: `${prefix}/det/+`, tag: '{1}.h2s', valuePath: 'h2s', unit: 'ppm' },
        { topic: `${prefix}/det/+`, tag: '{1}.lel', valuePath: 'lel', unit: '%LEL' },
        { topic: `${prefix}/det/#`, tag: 'raw.{1}', valueType: 'string', source: 'det:{1}' },
      ],
    });
    await h.waitForStatus('connected');
    // `det/#` covers `det/+`: one subscription, so the broker delivers each message once.
    expect(h.statuses.at(-1)!.detail).toContain('subscribed to 1 of 1 topic filter(s)');
    await json('det/d1', { h2s: 1, lel: 2 });
    await json('det/d2', { h2s: 3, lel: 4 });
    const readings = await h.waitForReadings(6);
    expect(readings).toHaveLength(6);
    expect(readings.map((r) => [r.tag, r.value])).toEqual([
      ['d1.h2s', 1],
      ['d1.lel', 2],
      ['raw.d1', '{"h2s":1,"lel":2}'],
      ['d2.h2s', 3],
      ['d2.lel', 4],
      ['raw.d2', '{"h2s":3,"lel":4}'],
    ]);
    expect(readings[2]!.source).toBe('det:d1');
  });

  it('delivers retained values at start, so tags have a current value before the next change', async () => {
    await json('retained/r1', { ppm: 0.4 });
    await publish('retained/r1', JSON.stringify({ ppm: 0.5 }), true);
    const { h } = await start({
      mappings: [{ topic: `${prefix}/retained/+`, tag: 'ret.{1}', valuePath: 'ppm' }],
    });
    try {
      expect((await h.waitForReadings(1)).map((r) => [r.tag, r.value])).toEqual([['ret.r1', 0.5]]);
    } finally {
      // Clearing a retained message is itself a message: subscribers see an empty payload.
      await publish('retained/r1', '', true);
    }
    expect((await h.waitForReadings(2))[1]).toMatchObject({ tag: 'ret.r1', quality: 'bad' });
  });

  /**
   * The plugin with `tap` called on every reading right after the sink got it — inside the
   * connector's message handler, before mqtt.js sends the PUBACK — so a test can cut the link at
   * exactly that moment.
   */
  function tapped(tap: (r: Reading) => void): MqttConnectorPlugin {
    const plugin = createMqttConnectorPlugin();
    const factory = plugin.connectors!.mqtt!;
    return {
      ...plugin,
      connectors: {
        mqtt: {
          start: (settings, sink, ctx) =>
            factory.start(
              settings,
              {
                push: (r) => {
                  sink.push(r);
                  tap(r);
                },
                status: (state, detail) => sink.status(state, detail),
              },
              ctx,
            ),
        },
      },
    };
  }

  for (const protocolVersion of [4, 5] as const) {
    it(`MQTT ${protocolVersion === 4 ? '3.1.1' : '5'}: QoS 1 messages published during a network drop arrive after the reconnect, each once`, async () => {
      const link = await proxy();
      let cutDone = false;
      // The link drops just after the first reading, before its PUBACK can reach the broker.
      const plugin = tapped(() => {
        if (cutDone) return;
        cutDone = true;
        link.cut();
      });
      const { h } = await start(
        {
          url: link.url,
          protocolVersion,
          mappings: [
            { topic: `${prefix}/v${protocolVersion}/gas/+`, tag: 'gas.{1}', valuePath: 'ppm' },
          ],
        },
        {},
        plugin,
      );
      await h.waitForStatus('connected');
      await json(`v${protocolVersion}/gas/h2s`, { ppm: 1 });
      await h.waitForReadings(1);
      await h.waitForStatus('disconnected');
      const lost = h.statuses.find((s) => s.state === 'disconnected')!.detail!;
      expect(lost).toMatch(
        /^connection to mqtt:\/\/127\.0\.0\.1:\d+ lost: .+; retrying in \d+\.\d s \(attempt 1\)$/,
      );
      expect((await plugin.health!({} as never)).status).toBe('down');

      // Published while the connector cannot be reached: the broker queues them for the session.
      await json(`v${protocolVersion}/gas/h2s`, { ppm: 2 });
      await json(`v${protocolVersion}/gas/co`, { ppm: 3 });
      link.restore();

      await eventually(() => count(h, 'connected') === 2, 'a second connected status');
      expect(h.statuses.at(-1)!.detail).toContain('session resumed');
      await h.waitForReadings(3);
      // The first message came again (unacknowledged, flagged DUP) and was recognised: once only.
      await eventually(
        () => plugin.connectionSummaries()[0]!.duplicates === 1,
        'the redelivery of the unacknowledged message',
      );
      expect(h.readings.map((r) => [r.tag, r.value])).toEqual([
        ['gas.h2s', 1],
        ['gas.h2s', 2],
        ['gas.co', 3],
      ]);
      // connecting → connected → disconnected (once per failed attempt) → connected
      const states = statesOf(h);
      expect(states.slice(0, 3)).toEqual(['connecting', 'connected', 'disconnected']);
      expect(states.at(-1)).toBe('connected');
      expect(plugin.connectionSummaries()[0]).toMatchObject({
        reconnects: 1,
        state: 'connected',
        messages: 3,
      });
      expect((await plugin.health!({} as never)).status).toBe('up');
    });
  }

  it('keeps retrying with a growing back-off while the broker is unreachable, then connects', async () => {
    const link = await proxy();
    link.cut();
    const { h } = await start({
      url: link.url,
      reconnectPeriodMs: 20,
      maxReconnectPeriodMs: 200,
      mappings: [{ topic: `${prefix}/late/+`, tag: 'late.{1}' }],
    });
    await eventually(() => count(h, 'disconnected') >= 4, 'four failed attempts');
    const attempts = h.statuses.filter((s) => s.state === 'disconnected').map((s) => s.detail!);
    expect(attempts[0]).toMatch(/^cannot connect to mqtt:\/\/127\.0\.0\.1:\d+: .+; retrying in/);
    const delays = attempts.map((d) => Number(/retrying in (\d+\.\d) s/.exec(d)![1]));
    const numbers = attempts.map((d) => Number(/\(attempt (\d+)\)/.exec(d)![1]));
    expect(numbers.slice(0, 4)).toEqual([1, 2, 3, 4]);
    // 20 ms, 40, 80, 160 (±20 %, shown in tenths of a second), capped at 200
    expect(delays[3]!).toBeGreaterThan(delays[0]!);
    expect(Math.max(...delays)).toBeLessThanOrEqual(0.2);

    link.restore();
    await h.waitForStatus('connected', 5_000);
    await publish('late/x', '5');
    expect((await h.waitForReadings(1))[0]).toMatchObject({ tag: 'late.x', value: 5 });
  });

  it('reports the drop when another client takes its client id, and comes back', async () => {
    const { h } = await start({
      reconnectPeriodMs: 300,
      mappings: [{ topic: `${prefix}/takeover/+`, tag: 'takeover.{1}' }],
    });
    await h.waitForStatus('connected');
    const clientId = String((h.statuses[0]!.detail ?? '').replace(/^.* as /, ''));
    // The broker closes the older connection with this id (MQTT 3.1.1: session takeover).
    const intruder = await publisher(BROKER, { clientId, clean: false });
    await h.waitForStatus('disconnected');
    await intruder.endAsync();
    await eventually(() => count(h, 'connected') === 2, 'the connector to take its session back');
    const dropped = h.statuses.find((s) => s.state === 'disconnected')!.detail!;
    expect(dropped).toContain('lost: the broker closed the connection');
    await publish('takeover/a', '1');
    expect((await h.waitForReadings(1))[0]).toMatchObject({ tag: 'takeover.a', value: 1 });
  });

  it('stops cleanly: unsubscribes so the broker queues nothing more, disconnects, leaves no socket or timer', async () => {
    const socketsBefore = openSockets();
    const { h, plugin } = await start({
      mappings: [{ topic: `${prefix}/stop/+`, tag: 'stop.{1}' }],
    });
    await h.waitForStatus('connected');
    const { clientId } = plugin.connectionSummaries()[0]!;
    await h.stop();
    expect(plugin.connectionSummaries()).toEqual([]);
    expect(await plugin.health!({} as never)).toEqual({
      status: 'up',
      detail: 'no MQTT connections running',
    });
    expect(h.logs.at(-1)!.message).toBe(`disconnected from ${BROKER}`);
    await eventually(() => openSockets() <= socketsBefore, 'the connector socket to close');

    // Published after the stop. Had the session kept its subscription, the broker would deliver
    // it to the next client with this id right after CONNACK — before anything that client asks.
    await publish('stop/after', '1');
    const probe = await publisher(BROKER, { clientId, clean: false });
    const seen: string[] = [];
    probe.on('message', (topic) => seen.push(topic));
    await probe.subscribeAsync(`${prefix}/sentinel`, { qos: 1 });
    await publish('sentinel', 'x');
    await eventually(() => seen.length > 0, 'the sentinel message');
    expect(seen).toEqual([`${prefix}/sentinel`]);
    await probe.endAsync();
  });

  it('keeps the broker password out of logs, statuses and health', async () => {
    const password = 'gw-Pa55word-9f3e1c';
    const config = { brokerPasswords: { plant: password } };
    const { h, plugin } = await start(
      {
        username: 'safeflow',
        passwordRef: 'plant',
        mappings: [{ topic: `${prefix}/s/+`, tag: 's.{1}' }],
      },
      config,
    );
    await h.waitForStatus('connected');
    await publish('s/a', '1');
    await h.waitForReadings(1);
    const health = await plugin.health!({} as never);
    // leakedSecrets looks for a secret field's whole value; brokerPasswords is an object, so each
    // password is checked as a field of its own.
    const produced = [h.logs, h.statuses, h.readings, health, plugin.connectionSummaries()];
    expect(leakedSecrets({ plant: password }, ['plant'], produced)).toEqual([]);
    expect(manifest.secrets).toEqual(['brokerPasswords']);
  });
}

if (problem === undefined) {
  describe(`mqtt connector on the real broker ${BROKER}`, suite);
} else if (process.env.CI === 'true') {
  describe('mqtt connector on the real broker', () => {
    it('needs Mosquitto in CI', () => {
      throw new Error(
        `the MQTT broker at ${BROKER} is not reachable (${problem}); CI must run this suite`,
      );
    });
  });
} else {
  console.warn(
    skipBanner(
      'the MQTT connector broker suite',
      `${BROKER} is not reachable (${problem})`,
      "Start Mosquitto: 'mosquitto -d -c /etc/mosquitto/mosquitto.conf'.",
    ),
  );
  describe.skip(`mqtt connector on the real broker (${BROKER} not reachable)`, () => {
    it('runs the suite', () => undefined);
  });
}
