/**
 * The third-party example plugin `safeflow-plugin-chat-notifier` in a running SafeFlow, the way an
 * operator uses it — without touching SafeFlow's source: the package is put into a plugins folder,
 * configured over the REST API (secrets never shown back), its element templates are served for
 * the designer, and a deployed lifting-permit flow uses its `wind-speed` fact provider and its
 * `chat-group` notifier through the runtime's `safeflow:fact` and `safeflow:notify` tasks. A local
 * DingTalk robot (checking the signature with its own secret and clock) and a local Open-Meteo
 * stand-in answer over real HTTP. The clock is injected; the job worker is run by hand.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, ManualClock, type RuntimeApp } from '@safeflow/runtime-api';

const PLUGIN = 'safeflow-plugin-chat-notifier';
const PLUGIN_DIR = fileURLToPath(new URL('../../examples/plugin-chat-notifier', import.meta.url));
const ADMIN_PASSWORD = 'admin-e2e-password';
const ROBOT_TOKEN = 'dt-access-token-3b9e5c0a17f2';
const ROBOT_SECRET = 'SEC7a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d';
const MOBILE = '13800138000';

/** Two places of the plant, and the wind the weather service reports there. */
const SITES = {
  'crane-yard': { latitude: 31.2304, longitude: 121.4737 },
  jetty: { latitude: 31.3512, longitude: 121.6021 },
};

interface Received {
  query: URLSearchParams;
  url: string;
  body: any;
}

/** A real HTTP server on a free local port; `handle` answers with a status and a JSON body. */
async function localServer(
  handle: (url: URL, body: string) => { status: number; json: unknown },
): Promise<{ base: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const answer = handle(new URL(req.url ?? '/', 'http://local'), body);
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)), as DingTalk computes it. */
const dingTalkSign = (secret: string, timestamp: string) =>
  createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');

/** XML attribute text for a FEEL expression. */
const attr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A lifting permit's wind gate: read the wind at the lift's site, then at ≥ 10.8 m/s (the lower
 * bound of Beaufort force 6; GB 30871-2022 §9: no outdoor lifting in wind ≥ force 6) tell the chat
 * group the lift is stopped and have it re-planned, otherwise tell it the lift is cleared.
 */
const LIFTING_FLOW = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_lifting" targetNamespace="http://safeflow.io/examples">
  <bpmn:process id="lifting_wind_gate" name="Lifting permit: wind gate" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="checkWind"/>
    <bpmn:serviceTask id="checkWind" name="Check wind speed">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="safeflow:fact" retries="3"/>
        <zeebe:taskHeaders>
          <zeebe:header key="provider" value="wind-speed"/>
          <zeebe:header key="resultVariable" value="wind"/>
        </zeebe:taskHeaders>
        <zeebe:ioMapping><zeebe:input source="${attr('={site: liftSite}')}" target="params"/></zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="checkWind" targetRef="windGate"/>
    <bpmn:exclusiveGateway id="windGate" name="Wind below force 6?" default="calm"/>
    <bpmn:sequenceFlow id="windy" sourceRef="windGate" targetRef="tellStopped">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${attr('=wind.value >= 10.8')}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="calm" sourceRef="windGate" targetRef="tellCleared"/>
    <bpmn:serviceTask id="tellStopped" name="Notify chat group: lift stopped">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="safeflow:notify" retries="2"/>
        <zeebe:taskHeaders>
          <zeebe:header key="notifier" value="chat-group"/>
          <zeebe:header key="kind" value="permit"/>
          <zeebe:header key="severity" value="critical"/>
          <zeebe:header key="recipients" value="lifting-crew, shift-supervisor"/>
        </zeebe:taskHeaders>
        <zeebe:ioMapping>
          <zeebe:input source="${attr('="吊装暂停 Lift stopped: " + permitNo + ", wind " + string(wind.value) + " m/s"')}" target="title"/>
          <zeebe:input source="${attr('="风速 " + string(wind.value) + " m/s ≥ 10.8 m/s (6 级 force 6): outdoor lifting is not allowed. Re-plan the lift."')}" target="text"/>
          <zeebe:input source="${attr('="https://safeflow.plant.example/permits/" + permitNo')}" target="link"/>
        </zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="tellStopped" targetRef="replan"/>
    <bpmn:userTask id="replan" name="Re-plan the lift"/>
    <bpmn:sequenceFlow id="f4" sourceRef="replan" targetRef="endStopped"/>
    <bpmn:endEvent id="endStopped"/>
    <bpmn:serviceTask id="tellCleared" name="Notify chat group: lift cleared">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="safeflow:notify" retries="2"/>
        <zeebe:taskHeaders>
          <zeebe:header key="notifier" value="chat-group"/>
          <zeebe:header key="kind" value="permit"/>
          <zeebe:header key="severity" value="info"/>
        </zeebe:taskHeaders>
        <zeebe:ioMapping>
          <zeebe:input source="${attr('="吊装许可 Lift cleared: " + permitNo + ", wind " + string(wind.value) + " m/s"')}" target="title"/>
        </zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f5" sourceRef="tellCleared" targetRef="startLift"/>
    <bpmn:userTask id="startLift" name="Start the lift"/>
    <bpmn:sequenceFlow id="f6" sourceRef="startLift" targetRef="endCleared"/>
    <bpmn:endEvent id="endCleared"/>
  </bpmn:process>
</bpmn:definitions>`;

describe('example plugin safeflow-plugin-chat-notifier in the runtime', () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 12, 1, 30));
  const logLines: string[] = [];
  const robotMessages: Received[] = [];
  const weatherQueries: URLSearchParams[] = [];
  let dataDir = '';
  let pluginsDir = '';
  let runtime: RuntimeApp;
  let base = '';
  let admin = '';
  let robot: Awaited<ReturnType<typeof localServer>>;
  let weather: Awaited<ReturnType<typeof localServer>>;

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(admin ? { authorization: `Bearer ${admin}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
  };

  const pluginPath = `/api/plugins/${PLUGIN}`;
  const robotUrl = () => `${robot.base}/robot/send?access_token=${ROBOT_TOKEN}`;
  const pluginConfig = (extra: Record<string, unknown> = {}) => ({
    flavour: 'dingtalk',
    webhookUrl: robotUrl(),
    signingSecret: ROBOT_SECRET,
    mentionMobiles: [MOBILE],
    weatherApiUrl: `${weather.base}/v1/forecast`,
    sites: SITES,
    ...extra,
  });

  /** Worker passes until one finds nothing to do (each job creates the flow's next one). */
  const drainJobs = async () => {
    for (let pass = 0; pass < 10; pass++) if ((await runtime.jobs.runDue()) === 0) return;
    throw new Error('jobs keep coming after 10 passes');
  };

  const startLifting = async (permitNo: string, liftSite: string) => {
    const r = await call('POST', '/api/process-instances', {
      processKey: 'lifting_wind_gate',
      variables: { permitNo, liftSite },
    });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  const instance = async (id: string) => (await call('GET', `/api/process-instances/${id}`)).body;

  beforeAll(async () => {
    // The DingTalk robot: checks the token and the signature against its own secret and clock.
    robot = await localServer((url, body) => {
      const q = url.searchParams;
      robotMessages.push({ query: q, url: url.pathname + url.search, body: JSON.parse(body) });
      if (url.pathname !== '/robot/send' || q.get('access_token') !== ROBOT_TOKEN)
        return { status: 200, json: { errcode: 300001, errmsg: 'token is not exist' } };
      const timestamp = q.get('timestamp') ?? '';
      if (Math.abs(clock.now() - Number(timestamp)) > 3_600_000)
        return { status: 200, json: { errcode: 310000, errmsg: 'invalid timestamp' } };
      if (q.get('sign') !== dingTalkSign(ROBOT_SECRET, timestamp))
        return { status: 200, json: { errcode: 310000, errmsg: 'sign not match' } };
      return { status: 200, json: { errcode: 0, errmsg: 'ok' } };
    });
    // Open-Meteo: calm at the crane yard, force 6 at the jetty.
    weather = await localServer((url) => {
      weatherQueries.push(url.searchParams);
      const windy = url.searchParams.get('latitude') === String(SITES.jetty.latitude);
      return {
        status: 200,
        json: {
          utc_offset_seconds: 0,
          current_units: { time: 'unixtime', interval: 'seconds', wind_speed_10m: 'm/s' },
          current: {
            time: Math.floor(clock.now() / 1000) - 300,
            interval: 900,
            wind_speed_10m: windy ? 12.6 : 6.4,
          },
        },
      };
    });
    // The plugin as an operator installs it: its package folder in the plugins folder (here a
    // link to the example, so its imports resolve from this workspace as they would from an
    // `npm install`), found at start-up — no change to SafeFlow's code or configuration files.
    dataDir = mkdtempSync(join(tmpdir(), 'safeflow-chat-e2e-'));
    pluginsDir = mkdtempSync(join(tmpdir(), 'safeflow-chat-plugins-'));
    symlinkSync(PLUGIN_DIR, join(pluginsDir, PLUGIN), 'dir');
    runtime = await createApp({
      dataDir,
      pluginsDir,
      port: 0,
      clock,
      tokenTtlSeconds: 24 * 3600,
      bodyLimit: '1mb',
      logLevel: 'debug',
      logDestination: { write: (line: string) => void logLines.push(line) },
      jwtSecret: 'chat-notifier-e2e-jwt-secret',
      adminPassword: ADMIN_PASSWORD,
      jobPollMs: 0,
      timerPollMs: 0,
      pluginTimeoutMs: 5_000,
    });
    base = await runtime.listen(0);
    const login = await call('POST', '/api/auth/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    expect(login.status).toBe(200);
    admin = login.body.accessToken;
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
    for (const s of [robot, weather]) {
      s?.server.closeAllConnections();
      await new Promise((resolve) => s?.server.close(resolve));
    }
    for (const dir of [dataDir, pluginsDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is loaded from the plugins folder, down until configured', async () => {
    const r = await call('GET', pluginPath);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      name: PLUGIN,
      version: '1.0.0',
      source: 'folder',
      sdk: '^1.0.0',
      status: 'down',
      secretFields: ['webhookUrl', 'signingSecret', 'weatherApiKey'],
      contributions: {
        notifiers: ['chat-group'],
        factProviders: ['wind-speed'],
        elementTemplates: [
          'safeflow-plugin-chat-notifier.notify-chat-group',
          'safeflow-plugin-chat-notifier.check-wind-speed',
        ],
      },
    });
    expect(r.body.lastError).toContain('not configured');
    expect(r.body.lastError).toContain('/flavour is required');
  });

  it('serves its element templates for the designer palette', async () => {
    const r = await call('GET', '/api/element-templates');
    expect(r.status).toBe(200);
    const ours = r.body.filter((t: { plugin: string }) => t.plugin === PLUGIN);
    expect(ours.map((t: { id: string; name: string }) => [t.id, t.name])).toEqual([
      ['safeflow-plugin-chat-notifier.notify-chat-group', 'Notify chat group (DingTalk / WeCom)'],
      ['safeflow-plugin-chat-notifier.check-wind-speed', 'Check wind speed'],
    ]);
    const hidden = (id: string) =>
      ours
        .find((t: { id: string }) => t.id === id)
        .properties.filter((p: { type: string }) => p.type === 'Hidden')
        .map((p: { value: string }) => p.value);
    expect(hidden('safeflow-plugin-chat-notifier.notify-chat-group')).toEqual([
      'safeflow:notify',
      'chat-group',
    ]);
    expect(hidden('safeflow-plugin-chat-notifier.check-wind-speed')).toEqual([
      'safeflow:fact',
      'wind-speed',
    ]);
  });

  it('is configured over the API: schema errors, init refusal, secrets never shown back', async () => {
    const invalid = await call('PUT', `${pluginPath}/config`, {
      config: pluginConfig({ flavour: 'slack', mentionMobiles: ['call me'] }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('PLUGIN_CONFIG_INVALID');
    expect(invalid.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/config/flavour' }),
        expect.objectContaining({ path: '/config/mentionMobiles/0' }),
      ]),
    );
    expect(invalid.text).not.toContain(ROBOT_TOKEN);
    expect(invalid.text).not.toContain(ROBOT_SECRET);

    // Fits the schema, but a WeCom robot is never signed: the plugin's init refuses it.
    const wrongFlavour = await call('PUT', `${pluginPath}/config`, {
      config: pluginConfig({ flavour: 'wecom' }),
    });
    expect(wrongFlavour.status).toBe(200);
    expect(wrongFlavour.body.plugin.status).toBe('down');
    expect(wrongFlavour.body.plugin.lastError).toContain(
      'signingSecret applies to DingTalk robots only',
    );

    const ok = await call('PUT', `${pluginPath}/config`, { config: pluginConfig() });
    expect(ok.status).toBe(200);
    expect(ok.body.plugin).toMatchObject({
      status: 'up',
      lastError: null,
      health: { status: 'up', detail: `dingtalk robot at ${robot.base}` },
    });
    expect(ok.body.config).toMatchObject({
      config: {
        flavour: 'dingtalk',
        webhookUrl: '********',
        signingSecret: '********',
        mentionMobiles: [MOBILE],
        sites: SITES,
      },
      secrets: {
        webhookUrl: { set: true },
        signingSecret: { set: true },
        weatherApiKey: { set: false },
      },
    });
    const read = await call('GET', `${pluginPath}/config`);
    expect(read.status).toBe(200);
    expect(read.body.config.webhookUrl).toBe('********');
    for (const text of [ok.text, read.text, (await call('GET', pluginPath)).text]) {
      expect(text).not.toContain(ROBOT_TOKEN);
      expect(text).not.toContain(ROBOT_SECRET);
    }
  });

  it('deploys the lifting flow: calm wind passes the gate with a signed info message', async () => {
    const deployed = await call('POST', '/api/deployments', {
      name: 'lifting-wind-gate',
      resources: [{ name: 'lifting-wind-gate.bpmn', content: LIFTING_FLOW }],
    });
    expect(deployed.status).toBe(201);
    robotMessages.length = 0;
    weatherQueries.length = 0;

    const id = await startLifting('PTW-0815', 'crane-yard');
    await drainJobs();
    const after = await instance(id);
    expect(after.state).toBe('active');
    expect(after.activeElementIds).toEqual(['startLift']);
    expect(after.variables.wind).toEqual({
      value: 6.4,
      unit: 'm/s',
      observedAt: clock.now() - 300_000,
      source: `${new URL(weather.base).host} wind_speed_10m at site crane-yard`,
    });
    expect(Object.fromEntries(weatherQueries[0]!)).toMatchObject({
      latitude: String(SITES['crane-yard'].latitude),
      longitude: String(SITES['crane-yard'].longitude),
      current: 'wind_speed_10m',
      wind_speed_unit: 'ms',
    });

    expect(robotMessages).toHaveLength(1);
    const [msg] = robotMessages;
    expect(msg!.query.get('timestamp')).toBe(String(clock.now()));
    expect(msg!.query.get('sign')).toBe(dingTalkSign(ROBOT_SECRET, String(clock.now())));
    expect(msg!.body).toMatchObject({
      msgtype: 'markdown',
      markdown: { title: '【提示】吊装许可 Lift cleared: PTW-0815, wind 6.4 m/s' },
      at: { atMobiles: [], isAtAll: false },
    });
    const text = msg!.body.markdown.text as string;
    expect(text.startsWith('### 【提示】吊装许可 Lift cleared: PTW-0815, wind 6.4 m/s')).toBe(true);
    expect(text).toContain('- 级别 Severity: **提示 Info**');
    expect(text).toContain('- 类型 Kind: 作业票 Permit');
    expect(text).toContain(`- 流程实例 Instance: ${id}`);
    expect(text).toContain('- 环节 Step: tellCleared');
  });

  it('strong wind takes the refused path; the critical message mentions everyone', async () => {
    robotMessages.length = 0;
    const id = await startLifting('PTW-0816', 'jetty');
    await drainJobs();
    const after = await instance(id);
    expect(after.activeElementIds).toEqual(['replan']);
    expect(after.variables.wind.value).toBe(12.6);

    expect(robotMessages).toHaveLength(1);
    const body = robotMessages[0]!.body;
    expect(robotMessages[0]!.query.get('sign')).toBe(
      dingTalkSign(ROBOT_SECRET, robotMessages[0]!.query.get('timestamp')!),
    );
    expect(body.at).toEqual({ atMobiles: [MOBILE], isAtAll: true });
    expect(body.markdown.title).toBe('【紧急】吊装暂停 Lift stopped: PTW-0816, wind 12.6 m/s');
    const text = body.markdown.text as string;
    expect(text).toContain('- 级别 Severity: **紧急 Critical**');
    expect(text).toContain('- 接收人 To: lifting-crew, shift-supervisor');
    expect(text).toContain(
      '风速 12.6 m/s ≥ 10.8 m/s (6 级 force 6): outdoor lifting is not allowed.',
    );
    expect(text).toContain(
      '[查看详情 Open in SafeFlow](https://safeflow.plant.example/permits/PTW-0816)',
    );
    expect(text.endsWith(`@${MOBILE}`)).toBe(true);
  });

  it('a robot that refuses (errcode ≠ 0) gets retries, then an incident; fixed and retried it delivers', async () => {
    // The robot's secret was rotated in DingTalk, and SafeFlow still has the old one.
    const stale = await call('PUT', `${pluginPath}/config`, {
      config: { ...pluginConfig({ signingSecret: 'SEC-the-secret-before-rotation' }) },
    });
    expect(stale.status).toBe(200);
    expect(stale.body.plugin.status).toBe('up');
    robotMessages.length = 0;

    const id = await startLifting('PTW-0817', 'jetty');
    await drainJobs(); // wind read; first send refused: one retry left, after a 1 s back-off
    expect(robotMessages).toHaveLength(1);
    expect((await instance(id)).state).toBe('active');
    expect(await runtime.jobs.runDue()).toBe(0); // not before the back-off
    clock.advance(1_000);
    expect(await runtime.jobs.runDue()).toBe(1); // refused again: no retries left
    expect(robotMessages).toHaveLength(2);
    expect((await instance(id)).state).toBe('incident');

    const incidents = await call('GET', `/api/incidents?processInstanceId=${id}`);
    expect(incidents.status).toBe(200);
    expect(incidents.body).toEqual([
      expect.objectContaining({
        processInstanceId: id,
        elementId: 'tellStopped',
        type: 'JOB_NO_RETRIES',
        message: expect.stringContaining(
          `DingTalk robot at ${robot.base} refused the message: errcode 310000 (sign not match)`,
        ),
      }),
    ]);
    expect(incidents.text).not.toContain(ROBOT_TOKEN);

    // The operator puts the current secret in (the webhook URL is kept) and retries the job.
    const fixed = await call('PUT', `${pluginPath}/config`, {
      config: { ...pluginConfig({ webhookUrl: undefined }) },
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body.config.secrets.webhookUrl).toEqual({ set: true });
    const retried = await call('POST', `/api/incidents/${incidents.body[0].id}/resolve`, {
      action: 'retry',
    });
    expect(retried.status).toBe(200);
    await drainJobs();
    expect(robotMessages).toHaveLength(3);
    expect(robotMessages[2]!.body.markdown.title).toBe(
      '【紧急】吊装暂停 Lift stopped: PTW-0817, wind 12.6 m/s',
    );
    const after = await instance(id);
    expect(after.state).toBe('active');
    expect(after.activeElementIds).toEqual(['replan']);
  });

  it('never wrote the robot token or secrets to the log', () => {
    const log = logLines.join('');
    expect(log).toContain('chat group message delivered');
    expect(log).not.toContain(ROBOT_TOKEN);
    expect(log).not.toContain(ROBOT_SECRET);
    expect(log).not.toContain('SEC-the-secret-before-rotation');
  });
});
