import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkPluginPackage,
  readPluginPackage,
  startTestPlugin,
  testNotifier,
} from '@safeflow/plugin-sdk/testing';
import plugin, { emailContent, type SmtpNotifierConfig } from '../src/index.js';
import { parseMail, type ReceivedMail } from './received-mail.js';

/** What the test SMTP server saw of one session. */
interface Session {
  auth?: { username: string; password: string; overTls: boolean };
  mailFrom?: string;
  rcptTo: string[];
  mail?: ReceivedMail;
}

const USER = 'safeflow';
const PASSWORD = 'smtp-pass-9f8e7d';

/** A local SMTP server (smtp-server, its built-in self-signed certificate) that records sessions. */
async function startSmtp(options: Partial<SMTPServerOptions> = {}) {
  const sessions: Session[] = [];
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, session, callback) {
      const s: Session = { rcptTo: [] };
      s.auth = {
        username: auth.username ?? '',
        password: auth.password ?? '',
        overTls: session.secure,
      };
      sessions.push(s);
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        let s = sessions.at(-1);
        if (!s || s.mail) sessions.push((s = { rcptTo: [] }));
        s.mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
        s.rcptTo = session.envelope.rcptTo.map((r) => r.address);
        s.mail = parseMail(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  running.push(server);
  return { sessions, port };
}

const running: SMTPServer[] = [];
afterEach(async () => {
  await Promise.all(
    running.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
  );
});

const manifest = readPluginPackage(new URL('..', import.meta.url)).manifest;

function smtpConfig(port: number, extra: Partial<SmtpNotifierConfig> = {}): SmtpNotifierConfig {
  return {
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    // The test server's certificate is its own self-signed one.
    rejectUnauthorized: false,
    from: 'SafeFlow <safeflow@plant.example>',
    recipients: {
      'shift-supervisors': ['sup.day@plant.example', 'sup.night@plant.example'],
      'safety-officer': ['hse@plant.example'],
    },
    timeoutMs: 5_000,
    ...extra,
  };
}

describe('email notifier', () => {
  it('sends over STARTTLS with SMTP AUTH to the mapped recipients, in text and HTML', async () => {
    const smtp = await startSmtp();
    const run = await testNotifier(
      plugin,
      'email',
      {
        id: 'ntf-501',
        kind: 'alarm',
        severity: 'critical',
        title: 'H2S above alarm limit at Unit 3',
        text: 'Unit 3 H2S reads 12 ppm (limit 10 ppm). Evacuate & muster.',
        link: 'https://safeflow.plant.example/alarms/12',
        data: { tag: 'unit3.h2s.ppm', value: 12 },
        recipients: [
          'shift-supervisors',
          'safety-officer',
          'sup.day@plant.example',
          'contractor@other.example',
        ],
      },
      { config: smtpConfig(smtp.port), manifest },
    );
    expect(run.error).toBeUndefined();
    expect(run.delivered).toBe(true);
    expect(run.receipt).toEqual({ externalId: '<ntf-501.safeflow@plant.example>' });

    expect(smtp.sessions).toHaveLength(1);
    const [s] = smtp.sessions;
    expect(s!.auth).toEqual({ username: USER, password: PASSWORD, overTls: true });
    expect(s!.mailFrom).toBe('safeflow@plant.example');
    expect(s!.rcptTo).toEqual([
      'sup.day@plant.example',
      'sup.night@plant.example',
      'hse@plant.example',
      'contractor@other.example',
    ]);
    const mail = s!.mail!;
    expect(mail.headers.get('subject')).toBe(
      '[SafeFlow] CRITICAL: H2S above alarm limit at Unit 3',
    );
    expect(mail.headers.get('to')).toBe(
      'sup.day@plant.example, sup.night@plant.example, hse@plant.example, contractor@other.example',
    );
    expect(mail.headers.get('from')).toBe('SafeFlow <safeflow@plant.example>');
    expect(mail.headers.get('message-id')).toBe('<ntf-501.safeflow@plant.example>');
    expect(mail.headers.get('x-safeflow-notification-id')).toBe('ntf-501');
    expect(mail.headers.get('x-priority')).toBe('1 (Highest)');
    expect(mail.text).toBe(
      [
        'Unit 3 H2S reads 12 ppm (limit 10 ppm). Evacuate & muster.',
        '',
        'Severity: critical',
        'Open in SafeFlow: https://safeflow.plant.example/alarms/12',
        '',
        'Details:',
        '  tag: unit3.h2s.ppm',
        '  value: 12',
        '',
        '--',
        'SafeFlow notification ntf-501',
        '',
      ].join('\n'),
    );
    expect(mail.html).toContain('<h2 style="margin: 0 0 8px">H2S above alarm limit at Unit 3</h2>');
    expect(mail.html).toContain('Evacuate &amp; muster.');
    expect(mail.html).toContain(
      '<a href="https://safeflow.plant.example/alarms/12">Open in SafeFlow</a>',
    );
    expect(run.logs).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'email sent',
        fields: {
          notificationId: 'ntf-501',
          recipients: 4,
          messageId: '<ntf-501.safeflow@plant.example>',
        },
      }),
    ]);
    expect(run.leakedSecrets).toEqual([]);
  });

  it('sends over implicit TLS (secure) too', async () => {
    const smtp = await startSmtp({ secure: true });
    const run = await testNotifier(
      plugin,
      'email',
      { recipients: ['safety-officer'] },
      {
        config: smtpConfig(smtp.port, { secure: true }),
      },
    );
    expect(run.error).toBeUndefined();
    expect(smtp.sessions[0]!.auth!.overTls).toBe(true);
    expect(smtp.sessions[0]!.mail!.headers.get('subject')).toBe(
      '[SafeFlow] WARNING: H2S above alarm limit',
    );
  });

  it('refuses to log in over a connection the server will not upgrade to TLS', async () => {
    const smtp = await startSmtp({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    const run = await testNotifier(
      plugin,
      'email',
      { recipients: ['safety-officer'] },
      {
        config: smtpConfig(smtp.port),
        manifest,
      },
    );
    expect(run.delivered).toBe(false);
    expect((run.error as Error).message).toMatch(
      /^email for notification ntf-test-1 not sent: .*STARTTLS/,
    );
    expect(smtp.sessions).toEqual([]); // the password never left
    // An operator who accepts a plaintext relay says so.
    const plain = await testNotifier(
      plugin,
      'email',
      { recipients: ['safety-officer'] },
      {
        config: smtpConfig(smtp.port, { requireTls: false }),
      },
    );
    expect(plain.delivered).toBe(true);
    expect(smtp.sessions[0]!.auth!.overTls).toBe(false);
  });

  it('throws on a wrong password (the runtime retries), without the password in the error', async () => {
    const smtp = await startSmtp();
    const wrong = 'not-the-password-123';
    const run = await testNotifier(
      plugin,
      'email',
      { recipients: ['safety-officer'] },
      {
        config: smtpConfig(smtp.port, { password: wrong }),
        manifest,
      },
    );
    expect(run.delivered).toBe(false);
    expect((run.error as Error).message).toMatch(
      /^email for notification ntf-test-1 not sent: EAUTH: Invalid login/,
    );
    expect(smtp.sessions[0]!.auth!.password).toBe(wrong);
    expect(smtp.sessions[0]!.mail).toBeUndefined();
    expect(run.leakedSecrets).toEqual([]);
  });

  it('uses defaultRecipients when a notification names none, and refuses when none resolve', async () => {
    const smtp = await startSmtp();
    const run = await testNotifier(
      plugin,
      'email',
      { severity: 'info', title: 'Permit PTW-9 approved' },
      {
        config: smtpConfig(smtp.port, {
          defaultRecipients: ['control-room@plant.example'],
          subjectPrefix: '',
        }),
      },
    );
    expect(run.delivered).toBe(true);
    expect(smtp.sessions[0]!.rcptTo).toEqual(['control-room@plant.example']);
    expect(smtp.sessions[0]!.mail!.headers.get('subject')).toBe('Permit PTW-9 approved');

    const none = await testNotifier(
      plugin,
      'email',
      { recipients: ['night-shift', 'someone@else.example'] },
      {
        config: smtpConfig(smtp.port, { allowDirectAddresses: false }),
      },
    );
    expect((none.error as Error).message).toBe(
      'no email recipients for notification ntf-test-1 (not mapped: night-shift, someone@else.example)',
    );
    expect(none.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'email recipients not mapped to addresses',
        fields: { notificationId: 'ntf-test-1', unknown: ['night-shift', 'someone@else.example'] },
      }),
    );
    expect(smtp.sessions).toHaveLength(1);
  });

  it('reports health by logging in to the server', async () => {
    const smtp = await startSmtp();
    const up = await startTestPlugin(plugin, { config: smtpConfig(smtp.port) });
    expect(await up.health()).toEqual({ status: 'up' });
    await up.stop();

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await startTestPlugin(plugin, { config: smtpConfig(closedPort) });
    const health = await down.health();
    expect(health.status).toBe('down');
    expect(health.detail).toMatch(/^SMTP server check failed: .*ECONNREFUSED/);
    await down.stop();

    await expect(startTestPlugin(plugin, { config: { host: '', from: 'x@y.z' } })).rejects.toThrow(
      'init failed: host is not configured',
    );
  });

  it('escapes HTML and leaves out links that are not http(s)', () => {
    const c = emailContent(
      {
        id: 'n1',
        kind: 'custom',
        severity: 'info',
        title: '<b>Drill</b>',
        text: 'Muster at "Gate 2"',
        link: 'javascript:alert(1)',
      },
      '[SafeFlow]',
    );
    expect(c.subject).toBe('[SafeFlow] <b>Drill</b>');
    expect(c.html).toContain('&lt;b&gt;Drill&lt;/b&gt;');
    expect(c.html).toContain('Muster at &quot;Gate 2&quot;');
    expect(c.html).not.toContain('javascript:');
    expect(c.text).not.toContain('javascript:');
  });

  it('agrees with its package manifest', () => {
    expect(
      checkPluginPackage(plugin, readPluginPackage(new URL('..', import.meta.url)), {
        mainMustExist: true,
      }),
    ).toEqual([]);
  });
});
