import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import {
  leakedSecrets,
  readPluginPackage,
  testConnector,
  type ConnectorHarness,
} from '@safeflow/plugin-sdk/testing';
import { createMqttConnectorPlugin, type MqttConnectorConfig } from '../src/index.js';
import { eventually, publisher, skipBanner } from './broker-test-kit.js';
import {
  privateMosquittoProblem,
  startPrivateMosquitto,
  type PrivateMosquitto,
} from './private-mosquitto.js';
import { startRefusingBroker } from './refusing-broker.js';

const manifest = readPluginPackage(new URL('..', import.meta.url)).manifest;
const RIGHT = `right-${randomBytes(8).toString('hex')}`;
const WRONG = `wrong-${randomBytes(8).toString('hex')}`;
const PUBLISHER_PASSWORD = `pub-${randomBytes(8).toString('hex')}`;
const config: MqttConnectorConfig = { brokerPasswords: { plant: RIGHT, stale: WRONG } };

const problem = privateMosquittoProblem();

function suite() {
  let broker: PrivateMosquitto;
  let pub: MqttClient;
  const harnesses: ConnectorHarness[] = [];

  beforeAll(async () => {
    broker = await startPrivateMosquitto([
      { name: 'safeflow', password: RIGHT, acl: ['topic read plant/#'] },
      { name: 'gateway', password: PUBLISHER_PASSWORD, acl: ['topic readwrite plant/#'] },
    ]);
    pub = await publisher(broker.plainUrl, { username: 'gateway', password: PUBLISHER_PASSWORD });
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.stop();
  });
  afterAll(async () => {
    await pub?.endAsync();
    await broker?.stop();
  });

  async function start(settings: Record<string, unknown>, plugin = createMqttConnectorPlugin()) {
    const h = await testConnector(
      plugin,
      'mqtt',
      {
        clientId: `sf-t-${randomBytes(6).toString('hex')}`,
        username: 'safeflow',
        passwordRef: 'plant',
        reconnectPeriodMs: 50,
        maxReconnectPeriodMs: 200,
        mappings: [{ topic: 'plant/+/gas/+', tag: '{1}.{2}', valuePath: 'ppm', unit: 'ppm' }],
        ...settings,
      },
      { config, manifest },
    );
    harnesses.push(h);
    return { h, plugin };
  }
  const lastDetail = (h: ConnectorHarness) => h.statuses.at(-1)!.detail ?? '';
  const noPasswordIn = (h: ConnectorHarness, ...more: unknown[]) => {
    const produced = [h.logs, h.statuses, h.readings, ...more];
    expect(leakedSecrets({ a: RIGHT, b: WRONG }, ['a', 'b'], produced)).toEqual([]);
  };

  it('logs in with the password from the secret brokerPasswords', async () => {
    const { h, plugin } = await start({ url: broker.plainUrl });
    await h.waitForStatus('connected');
    await pub.publishAsync('plant/unit3/gas/h2s', '{"ppm": 7}', { qos: 1 });
    expect((await h.waitForReadings(1))[0]).toMatchObject({ tag: 'unit3.h2s', value: 7 });
    noPasswordIn(h, await plugin.health!({} as never));
  });

  it('a refused login is a disconnected connection with the broker’s reason, retried with back-off', async () => {
    const { h, plugin } = await start({ url: broker.plainUrl, passwordRef: 'stale' });
    await eventually(
      () => h.statuses.filter((s) => s.state === 'disconnected').length >= 2,
      'two refused attempts',
    );
    expect(h.statuses.some((s) => s.state === 'connected')).toBe(false);
    expect(lastDetail(h)).toMatch(
      /^cannot connect to mqtt:\/\/127\.0\.0\.1:\d+: Connection refused: Not authorized; retrying in/,
    );
    const health = await plugin.health!({} as never);
    expect(health.status).toBe('down');
    expect(health.detail).toContain('disconnected: cannot connect');
    noPasswordIn(h, health);
  });

  it('says so when the broker grants a lower QoS than asked (messages during a drop may be lost)', async () => {
    const { h } = await start({ url: broker.qos0Url });
    await h.waitForStatus('connected');
    expect(lastDetail(h)).toContain('granted a lower QoS for: plant/+/gas/+ (QoS 0)');
    await pub.publishAsync('plant/unit1/gas/co', '{"ppm": 2}', { qos: 1 });
    expect((await h.waitForReadings(1))[0]).toMatchObject({ tag: 'unit1.co', value: 2 });
  });

  it('mqtts: verifies the broker against the plant CA and the name in its certificate', async () => {
    const { h } = await start({
      url: broker.tlsUrl,
      tls: { ca: broker.caPem, servername: broker.tlsName },
    });
    await h.waitForStatus('connected');
    expect(lastDetail(h)).toContain(`connected to ${broker.tlsUrl}`);
    await pub.publishAsync('plant/unit2/gas/lel', '{"ppm": 11}', { qos: 1 });
    expect((await h.waitForReadings(1))[0]).toMatchObject({ tag: 'unit2.lel', value: 11 });
  });

  it('mqtts: refuses a broker whose certificate does not verify — unknown CA, or a name that differs', async () => {
    const unknownCa = await start({ url: broker.tlsUrl, tls: { servername: broker.tlsName } });
    const wrongName = await start({ url: broker.tlsUrl, tls: { ca: broker.caPem } });
    await unknownCa.h.waitForStatus('disconnected');
    await wrongName.h.waitForStatus('disconnected');
    expect(unknownCa.h.statuses[1]!.detail).toMatch(
      /^cannot connect to mqtts:\/\/127\.0\.0\.1:\d+: .*(certificate|self-signed)/i,
    );
    expect(wrongName.h.statuses[1]!.detail).toMatch(/does not match certificate's altnames/);
  });

  it('mqtts lab mode: rejectUnauthorized false connects without verifying', async () => {
    const { h } = await start({ url: broker.tlsUrl, tls: { rejectUnauthorized: false } });
    await h.waitForStatus('connected');
  });
}

describe('mqtt connector against a broker that refuses a subscription', () => {
  it('stays connected for the others, names the refused filter, and the plugin shows degraded', async () => {
    const refusing = await startRefusingBroker(['plant/secret/']);
    const plugin = createMqttConnectorPlugin();
    const h = await testConnector(plugin, 'mqtt', {
      url: refusing.url,
      clientId: 'sf-t-refusing',
      mappings: [
        { topic: 'plant/+/gas/+', tag: '{1}.{2}' },
        { topic: 'plant/secret/#', tag: 'secret.{1}' },
      ],
    });
    try {
      await h.waitForStatus('connected');
      expect(h.statuses.at(-1)!.detail).toContain(
        'subscribed to 1 of 2 topic filter(s); refused by the broker: plant/secret/#',
      );
      expect(h.logs.find((l) => l.level === 'error')).toMatchObject({
        message: 'the broker refused subscriptions; their tags get no readings',
        fields: { refused: ['plant/secret/#'] },
      });
      const health = await plugin.health!({} as never);
      expect(health.status).toBe('degraded');
      expect(health.detail).toContain('the broker refused plant/secret/#');
    } finally {
      await h.stop();
      await refusing.close();
    }
  });
});

if (problem === undefined) {
  describe('mqtt connector on a private Mosquitto (passwords, ACL, max QoS, TLS)', suite);
} else if (process.env.CI === 'true') {
  describe('mqtt connector on a private Mosquitto', () => {
    it('needs Mosquitto and openssl in CI', () => {
      throw new Error(`a private Mosquitto cannot be started (${problem}); CI must run this suite`);
    });
  });
} else {
  console.warn(
    skipBanner(
      'the MQTT connector private-broker suite',
      problem,
      'Install Debian packages mosquitto and openssl.',
    ),
  );
  describe.skip('mqtt connector on a private Mosquitto (not installed)', () => {
    it('runs the suite', () => undefined);
  });
}
