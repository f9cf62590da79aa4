import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkPluginPackage,
  readPluginPackage,
  startTestPlugin,
  TEST_EPOCH,
  testNotifier,
} from '@safeflow/plugin-sdk/testing';
import type { ElementTemplate, Notification } from '@safeflow/plugin-sdk';
import plugin, { type ChatNotifierConfig } from '../src/index.js';
import { chatRobots, expectedDingTalkSign, type RobotRules } from './chat-robots.js';
import { closedPort, startLocalServer, type LocalServer } from './local-server.js';

const DING_TOKEN = 'ding-access-token-5f0c2a9e71';
const DING_SECRET = 'SECd41d8cd98f00b204e9800998ecf8427e';
const WECOM_KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
const manifest = readPluginPackage(new URL('..', import.meta.url)).manifest;

let robots: LocalServer;
const rules: RobotRules = {
  dingTalkToken: DING_TOKEN,
  dingTalkSecret: DING_SECRET,
  weComKey: WECOM_KEY,
  now: () => TEST_EPOCH,
};

beforeAll(async () => {
  robots = await startLocalServer(chatRobots(rules));
});
afterAll(() => robots.close());
beforeEach(() => {
  robots.received = [];
  robots.answer = chatRobots(rules);
});

const dingTalk = (extra: Partial<ChatNotifierConfig> = {}): ChatNotifierConfig => ({
  flavour: 'dingtalk',
  webhookUrl: `${robots.base}/robot/send?access_token=${DING_TOKEN}`,
  signingSecret: DING_SECRET,
  mentionMobiles: ['13800138000'],
  ...extra,
});
const weCom = (extra: Partial<ChatNotifierConfig> = {}): ChatNotifierConfig => ({
  flavour: 'wecom',
  webhookUrl: `${robots.base}/cgi-bin/webhook/send?key=${WECOM_KEY}`,
  mentionMobiles: ['13900139000'],
  ...extra,
});

/** A task notification as the runtime's `safeflow:notify` job builds it. */
const liftingTask: Partial<Notification> = {
  id: '4711.j2',
  kind: 'permit',
  severity: 'warning',
  title: 'Lifting permit PTW-0815 waits for approval',
  text: 'Crane **C-2**, 12 t, crane yard.\n\nWind 6.2 m/s.',
  link: 'https://safeflow.plant.example/tasks/4711.t3',
  recipients: ['shift-supervisor', 'hse-desk'],
  data: { processInstanceId: '4711', elementId: 'notifyApprover', load: { t: 12 } },
};

const send = (
  config: ChatNotifierConfig,
  n: Partial<Notification> = liftingTask,
  timeoutMs?: number,
) =>
  testNotifier(plugin, 'chat-group', n, {
    config,
    manifest,
    ...(timeoutMs ? { timeoutMs } : {}),
  });

describe('chat-group notifier: DingTalk custom robot', () => {
  it('posts a signed markdown message the robot accepts', async () => {
    const run = await send(dingTalk());
    expect(run.error).toBeUndefined();
    expect(run.delivered).toBe(true);
    expect(run.leakedSecrets).toEqual([]);
    expect(robots.received).toHaveLength(1);
    const [req] = robots.received;
    expect(req!.method).toBe('POST');
    expect(req!.headers['content-type']).toBe('application/json; charset=utf-8');
    // Signed with the runtime's clock; the signature recomputed here from the secret.
    expect(req!.query.get('access_token')).toBe(DING_TOKEN);
    expect(req!.query.get('timestamp')).toBe(String(TEST_EPOCH));
    const sign = expectedDingTalkSign(DING_SECRET, String(TEST_EPOCH));
    expect(req!.query.get('sign')).toBe(sign);
    // URL-encoded in the query: base64's + / = never travel raw.
    expect(req!.url).toContain(`&sign=${encodeURIComponent(sign)}`);

    const body = JSON.parse(req!.body);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toBe('【警告】Lifting permit PTW-0815 waits for approval');
    expect(body.at).toEqual({ atMobiles: [], isAtAll: false });
    expect(body.markdown.text).toBe(
      [
        '### 【警告】Lifting permit PTW-0815 waits for approval',
        '- 级别 Severity: **警告 Warning**\n- 类型 Kind: 作业票 Permit\n- 接收人 To: shift-supervisor, hse-desk',
        'Crane **C-2**, 12 t, crane yard.\n\nWind 6.2 m/s.',
        '- 流程实例 Instance: 4711\n- 环节 Step: notifyApprover\n- load: {"t":12}',
        '[查看详情 Open in SafeFlow](https://safeflow.plant.example/tasks/4711.t3)',
        '通知编号 ID: 4711.j2',
      ].join('\n\n'),
    );
    // The log says where it went by origin only: the URL's query is the robot's token.
    expect(run.logs).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'chat group message delivered',
        fields: {
          notificationId: '4711.j2',
          robot: `dingtalk ${robots.base}`,
          mentionedAll: false,
          mentionedMobiles: 0,
        },
      }),
    ]);
  });

  it('mentions everyone and the configured mobiles on a critical alarm', async () => {
    const run = await send(dingTalk(), {
      id: 'ntf-9',
      kind: 'alarm',
      severity: 'critical',
      title: 'H2S 15 ppm at unit 3',
      text: 'Evacuate to muster point B.',
    });
    expect(run.delivered).toBe(true);
    const body = JSON.parse(robots.received[0]!.body);
    expect(body.at).toEqual({ atMobiles: ['13800138000'], isAtAll: true });
    expect(body.markdown.title).toBe('【紧急】H2S 15 ppm at unit 3');
    // DingTalk rings a mentioned mobile in markdown only when `@<mobile>` is in the text.
    expect(body.markdown.text.endsWith('\n\n@13800138000')).toBe(true);
    expect(body.markdown.text).toContain('- 级别 Severity: **紧急 Critical**');
    expect(body.markdown.text).toContain('- 类型 Kind: 报警 Alarm');
  });

  it('follows the configured mentions and severity prefixes', async () => {
    const config = dingTalk({
      mentionOn: ['warning', 'critical'],
      mentionAll: false,
      mentionMobiles: ['13800138000', '+86-13911112222'],
      severityPrefix: { warning: '[SafeFlow 警告] ' },
    });
    expect((await send(config)).delivered).toBe(true);
    const warning = JSON.parse(robots.received[0]!.body);
    expect(warning.at).toEqual({
      atMobiles: ['13800138000', '+86-13911112222'],
      isAtAll: false,
    });
    expect(warning.markdown.title).toBe(
      '[SafeFlow 警告] Lifting permit PTW-0815 waits for approval',
    );
    expect((await send(config, { ...liftingTask, severity: 'info' })).delivered).toBe(true);
    const info = JSON.parse(robots.received[1]!.body);
    expect(info.at).toEqual({ atMobiles: [], isAtAll: false });
    expect(info.markdown.title).toBe('【提示】Lifting permit PTW-0815 waits for approval');
  });

  it('posts unsigned to a robot secured otherwise (no timestamp or sign)', async () => {
    robots.answer = chatRobots({ ...rules, dingTalkSecret: undefined });
    const run = await send(dingTalk({ signingSecret: undefined }));
    expect(run.delivered).toBe(true);
    expect(robots.received[0]!.query.has('timestamp')).toBe(false);
    expect(robots.received[0]!.query.has('sign')).toBe(false);
  });

  it('fails on errcode ≠ 0 (a wrong signing secret), naming the robot by origin only', async () => {
    const run = await send(dingTalk({ signingSecret: 'SEC-not-the-robots-secret' }));
    expect(run.delivered).toBe(false);
    expect((run.error as Error).message).toBe(
      `DingTalk robot at ${robots.base} refused the message: errcode 310000 (sign not match)`,
    );
    expect(run.leakedSecrets).toEqual([]);
    // An unsigned post to a signing robot is refused the same way.
    const unsigned = await send(dingTalk({ signingSecret: undefined }));
    expect((unsigned.error as Error).message).toContain('errcode 310000 (invalid timestamp)');
  });

  it('fails on a timestamp the robot finds more than an hour off', async () => {
    robots.answer = chatRobots({ ...rules, now: () => TEST_EPOCH + 2 * 3_600_000 });
    const run = await send(dingTalk());
    expect((run.error as Error).message).toContain('errcode 310000 (invalid timestamp)');
  });
});

describe('chat-group notifier: WeCom group robot', () => {
  it('posts markdown with a coloured severity when nobody is to be mentioned', async () => {
    const run = await send(weCom());
    expect(run.error).toBeUndefined();
    expect(run.delivered).toBe(true);
    expect(run.leakedSecrets).toEqual([]);
    const [req] = robots.received;
    expect(req!.query.get('key')).toBe(WECOM_KEY);
    expect(req!.query.has('sign')).toBe(false);
    const body = JSON.parse(req!.body);
    expect(Object.keys(body).sort()).toEqual(['markdown', 'msgtype']);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content).toBe(
      [
        '### 【警告】Lifting permit PTW-0815 waits for approval',
        '- 级别 Severity: <font color="warning">**警告 Warning**</font>\n- 类型 Kind: 作业票 Permit\n- 接收人 To: shift-supervisor, hse-desk',
        'Crane **C-2**, 12 t, crane yard.\n\nWind 6.2 m/s.',
        '- 流程实例 Instance: 4711\n- 环节 Step: notifyApprover\n- load: {"t":12}',
        '[查看详情 Open in SafeFlow](https://safeflow.plant.example/tasks/4711.t3)',
        '通知编号 ID: 4711.j2',
      ].join('\n\n'),
    );
  });

  it('sends a critical alarm as text with @all and the mobiles (WeCom markdown cannot mention)', async () => {
    const run = await send(weCom(), {
      id: 'ntf-10',
      kind: 'alarm',
      severity: 'critical',
      title: 'H2S 15 ppm at unit 3',
      text: 'Evacuate to muster point B.',
      link: 'https://safeflow.plant.example/alarms/77',
      data: { processInstanceId: '88' },
    });
    expect(run.delivered).toBe(true);
    expect(JSON.parse(robots.received[0]!.body)).toEqual({
      msgtype: 'text',
      text: {
        content: [
          '【紧急】H2S 15 ppm at unit 3',
          '级别 Severity: 紧急 Critical | 类型 Kind: 报警 Alarm',
          'Evacuate to muster point B.',
          '流程实例 Instance: 88',
          '查看详情 Open: https://safeflow.plant.example/alarms/77',
          '通知编号 ID: ntf-10',
        ].join('\n'),
        mentioned_list: ['@all'],
        mentioned_mobile_list: ['13900139000'],
      },
    });
  });

  it('keeps a critical message markdown when nobody is configured to be mentioned', async () => {
    const run = await send(weCom({ mentionAll: false, mentionMobiles: [] }), {
      severity: 'critical',
    });
    expect(run.delivered).toBe(true);
    const body = JSON.parse(robots.received[0]!.body);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content).toContain('<font color="warning">**紧急 Critical**</font>');
  });

  it('shortens a long text to the robot limits, keeping title, link and id', async () => {
    const long = '吊装区域风速持续上升，请立即停止作业。'.repeat(400); // ~22 kB of UTF-8
    const markdown = await send(weCom(), { ...liftingTask, text: long });
    expect(markdown.error).toBeUndefined();
    const content = JSON.parse(robots.received[0]!.body).markdown.content as string;
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(4096);
    expect(content.startsWith('### 【警告】Lifting permit PTW-0815')).toBe(true);
    expect(content).toContain('…\n\n- 流程实例 Instance: 4711');
    expect(content).toContain('(https://safeflow.plant.example/tasks/4711.t3)');
    expect(content.endsWith('通知编号 ID: 4711.j2')).toBe(true);

    const text = await send(weCom(), { ...liftingTask, severity: 'critical', text: long });
    expect(text.error).toBeUndefined();
    const plain = JSON.parse(robots.received[1]!.body).text.content as string;
    expect(Buffer.byteLength(plain, 'utf8')).toBeLessThanOrEqual(2048);
    expect(plain.endsWith('通知编号 ID: 4711.j2')).toBe(true);
  });

  it('fails on errcode ≠ 0 (a rate limit, a wrong key)', async () => {
    robots.answer = () => ({ json: { errcode: 45009, errmsg: 'api freq out of limit' } });
    const limited = await send(weCom());
    expect((limited.error as Error).message).toBe(
      `WeCom robot at ${robots.base} refused the message: errcode 45009 (api freq out of limit)`,
    );
    robots.answer = chatRobots(rules);
    const wrongKey = await send(
      weCom({ webhookUrl: `${robots.base}/cgi-bin/webhook/send?key=not-the-key` }),
    );
    expect((wrongKey.error as Error).message).toContain('errcode 93000 (invalid webhook url)');
    expect(wrongKey.leakedSecrets).toEqual([]);
  });
});

describe('chat-group notifier: transport failures (the runtime retries them)', () => {
  it('fails on a non-2xx status, a body that is not JSON, no errcode, or a redirect', async () => {
    robots.answer = () => ({ status: 502, text: 'Bad Gateway' });
    expect(((await send(weCom())).error as Error).message).toBe(
      `WeCom robot at ${robots.base} answered HTTP 502: Bad Gateway`,
    );
    robots.answer = () => ({ text: '<html>maintenance</html>' });
    expect(((await send(dingTalk())).error as Error).message).toBe(
      `DingTalk robot at ${robots.base} answered something that is not JSON: <html>maintenance</html>`,
    );
    robots.answer = () => ({ json: { ok: true } });
    expect(((await send(dingTalk())).error as Error).message).toContain(
      'answered without an errcode',
    );
    robots.answer = () => ({ status: 302, text: '' });
    expect(((await send(dingTalk())).error as Error).message).toBe(
      `DingTalk robot at ${robots.base} answered HTTP 302`,
    );
  });

  it('fails when the robot does not answer within timeoutMs', async () => {
    robots.answer = () => 'hang';
    const run = await send(dingTalk({ timeoutMs: 200 }));
    expect(run.delivered).toBe(false);
    expect(run.timedOut).toBe(false); // the plugin's own limit fired first, with a clear reason
    expect((run.error as Error).message).toBe(
      `DingTalk robot at ${robots.base} failed: timed out after 200 ms`,
    );
  });

  it('fails when nothing listens', async () => {
    const port = await closedPort();
    const run = await send(
      weCom({ webhookUrl: `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=${WECOM_KEY}` }),
    );
    expect((run.error as Error).message).toBe(
      `WeCom robot at http://127.0.0.1:${port} failed: ECONNREFUSED`,
    );
    expect(run.leakedSecrets).toEqual([]);
  });
});

describe('chat notifier plugin: configuration and package', () => {
  it('refuses to start on a configuration that cannot work, and says why', async () => {
    const refused = async (config: Partial<ChatNotifierConfig>) => {
      const started = startTestPlugin(plugin, { config: config as ChatNotifierConfig });
      await expect(started).rejects.toThrow(/init failed/);
      return (await started.catch((e: Error) => e.message)) as string;
    };
    expect(await refused(weCom({ signingSecret: DING_SECRET }))).toContain(
      'signingSecret applies to DingTalk robots only',
    );
    expect(
      await refused(dingTalk({ webhookUrl: `${robots.base}/robot/send?token=${DING_TOKEN}` })),
    ).toContain('webhookUrl has no access_token parameter');
    expect(await refused(weCom({ webhookUrl: 'ftp://robots.example/x?key=1' }))).toContain(
      'webhookUrl is not an http(s) URL',
    );
    expect(await refused(weCom({ weatherApiUrl: 'not a url' }))).toContain(
      'weatherApiUrl is not an absolute URL',
    );
    const message = await refused({ flavour: 'slack' as never, webhookUrl: 'https://x.example' });
    expect(message).toContain('flavour must be "dingtalk" or "wecom"');
  });

  it('reports its health: up with the robot origin (never the token)', async () => {
    const tested = await startTestPlugin(plugin, { config: dingTalk() });
    try {
      const health = await tested.health();
      expect(health).toEqual({ status: 'up', detail: `dingtalk robot at ${robots.base}` });
      expect(JSON.stringify(health)).not.toContain(DING_TOKEN);
    } finally {
      await tested.stop();
    }
  });

  it('agrees with its manifest; the manifest declares the secrets', () => {
    const pkg = readPluginPackage(new URL('..', import.meta.url));
    expect(checkPluginPackage(plugin, pkg, { mainMustExist: true })).toEqual([]);
    expect(pkg.name).toBe('safeflow-plugin-chat-notifier');
    expect(pkg.manifest.secrets).toEqual(['webhookUrl', 'signingSecret', 'weatherApiKey']);
    // A third-party plugin: the SDK is its only dependency.
    const json = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(json.dependencies).toEqual({ '@safeflow/plugin-sdk': '^1.0.0' });
    expect(json.devDependencies).toBeUndefined();
  });

  it('offers palette entries for the runtime tasks that use its notifier and fact provider', () => {
    const pkg = readPluginPackage(new URL('..', import.meta.url));
    const file = new URL(`../${pkg.manifest.contributes!.elementTemplates!}`, import.meta.url);
    const templates = JSON.parse(readFileSync(file, 'utf8')) as ElementTemplate[];
    const bound = (t: ElementTemplate, type: string, key: string) =>
      t.properties.find(
        (p) => p.binding.type === type && 'key' in p.binding && p.binding.key === key,
      )?.value;
    const taskType = (t: ElementTemplate) =>
      t.properties.find(
        (p) => p.binding.type === 'zeebe:taskDefinition' && p.binding.property === 'type',
      )?.value;
    expect(templates.map((t) => [t.id, taskType(t)])).toEqual([
      ['safeflow-plugin-chat-notifier.notify-chat-group', 'safeflow:notify'],
      ['safeflow-plugin-chat-notifier.check-wind-speed', 'safeflow:fact'],
    ]);
    // The names the templates preset are the ones this plugin contributes.
    expect(Object.keys(plugin.notifiers!)).toContain(
      bound(templates[0]!, 'zeebe:taskHeader', 'notifier'),
    );
    expect(Object.keys(plugin.factProviders!)).toContain(
      bound(templates[1]!, 'zeebe:taskHeader', 'provider'),
    );
    for (const t of templates) {
      expect(t.appliesTo).toEqual(['bpmn:Task']);
      expect(t.elementType).toEqual({ value: 'bpmn:ServiceTask' });
    }
  });
});
