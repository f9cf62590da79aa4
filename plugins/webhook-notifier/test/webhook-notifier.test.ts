import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkPluginPackage,
  readPluginPackage,
  startTestPlugin,
  TEST_EPOCH,
  testNotifier,
} from '@safeflow/plugin-sdk/testing';
import plugin, { verifyWebhookSignature, type WebhookNotifierConfig } from '../src/index.js';

interface Delivery {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const SECRET = 'whsec-0123456789abcdef';
let server: Server;
let base: string;
let deliveries: Delivery[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const status = /^\/status\/(\d{3})/.exec(req.url ?? '');
      if (req.url === '/hang') return; // never answers
      res.writeHead(status ? Number(status[1]) : 204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  deliveries = [];
});

const manifest = readPluginPackage(new URL('..', import.meta.url)).manifest;
const config = (
  urls: string[],
  extra: Partial<WebhookNotifierConfig> = {},
): WebhookNotifierConfig => ({
  urls,
  signingSecret: SECRET,
  ...extra,
});

describe('webhook notifier', () => {
  it('POSTs the notification JSON to every URL, signed over timestamp and body', async () => {
    const run = await testNotifier(
      plugin,
      'webhook',
      {
        id: 'ntf-77',
        severity: 'critical',
        link: 'https://safeflow.example/alarms/12',
        data: { ppm: 12 },
      },
      { config: config([`${base}/ops/T0123/secret-path`, `${base}/control-room`]), manifest },
    );
    expect(run.error).toBeUndefined();
    expect(run.delivered).toBe(true);
    expect(deliveries.map((d) => d.path).sort()).toEqual([
      '/control-room',
      '/ops/T0123/secret-path',
    ]);
    for (const d of deliveries) {
      expect(JSON.parse(d.body)).toEqual(run.notification);
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers['x-safeflow-notification-id']).toBe('ntf-77');
      expect(d.headers['idempotency-key']).toBe('ntf-77');
      const timestamp = d.headers['x-safeflow-timestamp'] as string;
      expect(timestamp).toBe(String(TEST_EPOCH / 1000));
      // Computed here independently of the plugin's own signing code.
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${d.body}`).digest('hex')}`;
      expect(d.headers['x-safeflow-signature']).toBe(expected);
      expect(
        verifyWebhookSignature({
          secret: SECRET,
          timestamp,
          body: d.body,
          signature: d.headers['x-safeflow-signature'] as string,
          now: TEST_EPOCH + 10_000,
        }),
      ).toBe(true);
    }
    // Logs name receivers by origin only: chat webhook paths carry tokens.
    expect(run.logs).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'webhook delivered',
        fields: { notificationId: 'ntf-77', targets: [base, base] },
      }),
    ]);
    expect(JSON.stringify(run.logs)).not.toContain('secret-path');
    expect(run.leakedSecrets).toEqual([]);
  });

  it('throws when a receiver answers non-2xx, naming it by origin and status, so the runtime retries', async () => {
    const run = await testNotifier(
      plugin,
      'webhook',
      { id: 'ntf-78' },
      {
        config: config([`${base}/ok`, `${base}/status/503/token-xyz`]),
        manifest,
      },
    );
    expect(run.delivered).toBe(false);
    expect((run.error as Error).message).toBe(
      `webhook delivery of ntf-78 failed: ${base} answered 503`,
    );
    expect((run.error as Error).message).not.toContain('token-xyz');
    expect(deliveries).toHaveLength(2);
    expect(run.leakedSecrets).toEqual([]);
  });

  it('treats a redirect as a failure instead of following it', async () => {
    const run = await testNotifier(
      plugin,
      'webhook',
      {},
      { config: config([`${base}/status/301`]) },
    );
    expect((run.error as Error).message).toContain(`${base} answered 301`);
  });

  it('gives up on a receiver that does not answer within timeoutMs, and on one that is down', async () => {
    const hung = await testNotifier(
      plugin,
      'webhook',
      {},
      { config: config([`${base}/hang`], { timeoutMs: 100 }) },
    );
    expect((hung.error as Error).message).toBe(
      `webhook delivery of ntf-test-1 failed: ${base} failed: timed out`,
    );
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve)); // nothing listens there any more
    const down = await testNotifier(
      plugin,
      'webhook',
      {},
      {
        config: config([`http://127.0.0.1:${closedPort}/hook`]),
      },
    );
    expect((down.error as Error).message).toBe(
      `webhook delivery of ntf-test-1 failed: http://127.0.0.1:${closedPort} failed: ECONNREFUSED`,
    );
  });

  it('refuses a wrong secret, a changed body and a stale timestamp', async () => {
    await testNotifier(plugin, 'webhook', {}, { config: config([`${base}/x`]) });
    const d = deliveries[0]!;
    const good = {
      secret: SECRET,
      timestamp: d.headers['x-safeflow-timestamp'] as string,
      body: d.body,
      signature: d.headers['x-safeflow-signature'] as string,
      now: TEST_EPOCH,
    };
    expect(verifyWebhookSignature(good)).toBe(true);
    expect(verifyWebhookSignature({ ...good, secret: 'another-secret-value' })).toBe(false);
    expect(verifyWebhookSignature({ ...good, body: d.body.replace('warning', 'info') })).toBe(
      false,
    );
    expect(verifyWebhookSignature({ ...good, now: TEST_EPOCH + 301_000 })).toBe(false);
    expect(verifyWebhookSignature({ ...good, timestamp: String(TEST_EPOCH / 1000 + 60) })).toBe(
      false,
    );
    expect(verifyWebhookSignature({ ...good, signature: undefined })).toBe(false);
  });

  it('does not start with a configuration that cannot work', async () => {
    await expect(
      startTestPlugin(plugin, { config: { urls: [], signingSecret: SECRET } }),
    ).rejects.toThrow(
      "plugin '@safeflow/plugin-webhook-notifier' init failed: no urls are configured",
    );
    await expect(
      startTestPlugin(plugin, { config: { urls: ['ftp://x/'], signingSecret: SECRET } }),
    ).rejects.toThrow('urls[0] is not an http(s) URL');
    const noInit = await startTestPlugin(plugin, {
      config: { urls: [`${base}/x`], signingSecret: '' },
      lifecycle: false,
    });
    expect(await noInit.health()).toEqual({
      status: 'down',
      detail: 'signingSecret is not configured',
    });
    await noInit.stop();
  });

  it('agrees with its package manifest', () => {
    expect(
      checkPluginPackage(plugin, readPluginPackage(new URL('..', import.meta.url)), {
        mainMustExist: true,
      }),
    ).toEqual([]);
  });
});
