import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkPluginPackage,
  ONE_TASK_IDS,
  readPluginPackage,
  runHandler,
  TEST_EPOCH,
} from '@safeflow/plugin-sdk/testing';
import plugin, {
  HTTP_REQUEST,
  hostAllowed,
  isNonPublicAddress,
  type HttpRequestConfig,
} from '../src/index.js';

/** What the test server received. */
interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
let received: Received[] = [];
let flakyFailures = 0;

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://test');
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
  const status = /^\/status\/(\d{3})$/.exec(url.pathname);
  if (status) return json(Number(status[1]), { error: `status ${status[1]}` });
  switch (url.pathname) {
    case '/permits':
      return json(
        201,
        { id: 'PTW-1042', received: body ? JSON.parse(body) : null },
        {
          'set-cookie': 'session=abc',
          'x-request-id': 'req-1',
        },
      );
    case '/text':
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('all clear');
    case '/empty':
      res.writeHead(204);
      return void res.end();
    case '/busy':
      return json(429, { error: 'slow down' }, { 'retry-after': '30' });
    case '/flaky':
      if (flakyFailures > 0) {
        flakyFailures--;
        return json(503, { error: 'maintenance' });
      }
      return json(200, { ok: true });
    case '/moved':
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      return void res.end();
    case '/big':
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('x'.repeat(4096));
    case '/slow':
      return; // never answers; the client's timeout ends it
    default:
      return json(404, { error: 'no such route' });
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      route(req, res, body);
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
  received = [];
  flakyFailures = 0;
});

/** The local test server is on loopback, so these tests allow private networks explicitly. */
const local: HttpRequestConfig = {
  allowedHosts: ['127.0.0.1', 'localhost'],
  allowPrivateNetworks: true,
};
const manifest = readPluginPackage(new URL('..', import.meta.url)).manifest;

describe('http:request', () => {
  it('POSTs a JSON body and completes with {status, headers, body} in the result variable', async () => {
    const run = await runHandler(plugin, HTTP_REQUEST, {
      config: { ...local, bearerToken: 'tok-permit-system-42' },
      manifest,
      headers: { method: 'POST', resultVariable: 'permitResponse' },
      variables: {
        url: `${base}/permits?site=unit-3`,
        body: { area: 'unit-3', work: 'hot work' },
        headers: { 'X-Site': 'unit-3' },
      },
    });
    expect(run.state).toBe('completed');
    expect(run.variables.permitResponse).toEqual({
      status: 201,
      headers: expect.objectContaining({
        'content-type': 'application/json',
        'x-request-id': 'req-1',
      }),
      body: { id: 'PTW-1042', received: { area: 'unit-3', work: 'hot work' } },
    });
    // Session cookies are not handed to the process.
    expect((run.variables.permitResponse as { headers: object }).headers).not.toHaveProperty(
      'set-cookie',
    );
    const [req] = received;
    expect(req).toMatchObject({ method: 'POST', path: '/permits?site=unit-3' });
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['x-site']).toBe('unit-3');
    expect(req!.headers.authorization).toBe('Bearer tok-permit-system-42');
    expect(req!.headers['idempotency-key']).toBe(run.job.idempotencyKey);
    expect(run.logs).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'http request answered',
        fields: { target: `POST ${base}/permits`, status: 201 },
      }),
    );
    expect(run.leakedSecrets).toEqual([]);
  });

  it('returns text bodies as text, an empty body as null, and stores nothing without a result variable', async () => {
    const text = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      headers: { url: `${base}/text`, resultVariable: 'reply' },
    });
    expect(text.variables.reply).toMatchObject({ status: 200, body: 'all clear' });
    const empty = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      headers: { url: `${base}/empty`, method: 'DELETE', resultVariable: 'reply' },
    });
    expect(empty.variables.reply).toMatchObject({ status: 204, body: null });
    const silent = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      headers: { url: `${base}/text` },
    });
    expect(silent.state).toBe('completed');
    expect(silent.variables).toEqual({});
  });

  it('turns a 4xx into the BPMN error HTTP_<status> carrying the response', async () => {
    const run = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      headers: { url: `${base}/status/404`, resultVariable: 'reply' },
    });
    expect(run.outcome).toEqual({
      outcome: 'bpmn-error',
      errorCode: 'HTTP_404',
      message: `GET ${base}/status/404 answered 404`,
      variables: { reply: expect.objectContaining({ status: 404, body: { error: 'status 404' } }) },
    });
    expect(run.completedElementIds).toContain(ONE_TASK_IDS.errorEnd);
    const uncaught = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      catchErrors: false,
      headers: { url: `${base}/status/403` },
    });
    expect(uncaught.state).toBe('incident');
    expect(uncaught.incidents[0]!.message).toContain('HTTP_403');
  });

  it('does not follow redirects: a 3xx is a BPMN error too', async () => {
    const run = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      headers: { url: `${base}/moved` },
    });
    expect(run.outcome).toMatchObject({ outcome: 'bpmn-error', errorCode: 'HTTP_302' });
    expect(received.map((r) => r.path)).toEqual(['/moved']);
  });

  it('retries a 5xx with the same idempotency key until the server recovers', async () => {
    flakyFailures = 2;
    const run = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      headers: { url: `${base}/flaky`, method: 'PUT', resultVariable: 'reply' },
      maxAttempts: 5,
    });
    expect(run.attempts.map((a) => a.outcome.outcome)).toEqual(['fail', 'fail', 'complete']);
    expect(run.attempts[0]!.outcome).toEqual({
      outcome: 'fail',
      message: `PUT ${base}/flaky answered 503`,
    });
    expect(run.state).toBe('completed');
    const keys = received.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(new Set(keys)).toEqual(new Set([run.job.idempotencyKey]));
  });

  it('runs out of retries on a persistent 5xx into an incident', async () => {
    const run = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      retries: 2,
      maxAttempts: 5,
      headers: { url: `${base}/status/500` },
    });
    expect(run.attempts).toHaveLength(2);
    expect(run.state).toBe('incident');
  });

  it('retries a 429 after the Retry-After the server asks for', async () => {
    const run = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      headers: { url: `${base}/busy` },
    });
    expect(run.outcome).toEqual({
      outcome: 'fail',
      message: `GET ${base}/busy answered 429`,
      retryBackoffMs: 30_000,
    });
    expect(run.engine.getState(run.instanceId)!.jobs[run.job.key]!.notBefore).toBe(
      TEST_EPOCH + 30_000,
    );
  });

  it('fails a request that outlives its timeout (retryable), and a network error', async () => {
    const slow = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      headers: { url: `${base}/slow`, timeoutMs: '100' },
    });
    expect(slow.outcome).toEqual({
      outcome: 'fail',
      message: `GET ${base}/slow failed: timed out after 100 ms`,
    });
    expect(slow.state).toBe('active');

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve)); // nothing listens there any more
    const refused = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      headers: { url: `http://127.0.0.1:${closedPort}/` },
    });
    expect(refused.outcome).toEqual({
      outcome: 'fail',
      message: `GET http://127.0.0.1:${closedPort}/ failed: ECONNREFUSED`,
    });
  });

  it('refuses a response larger than maxResponseBytes without retrying', async () => {
    const run = await runHandler(plugin, HTTP_REQUEST, {
      config: { ...local, maxResponseBytes: 1024 },
      headers: { url: `${base}/big` },
    });
    expect(run.outcome).toEqual({
      outcome: 'fail',
      message: `GET ${base}/big: the response is larger than 1024 bytes`,
      retries: 0,
    });
    expect(run.state).toBe('incident');
  });

  it.each([
    [{ url: 'ftp://127.0.0.1/x' }, "url scheme 'ftp:' is not http: or https:"],
    [{}, 'url is missing'],
    [{ url: 'not a url' }, 'url is not an absolute URL'],
    [
      { url: 'http://user:pw@127.0.0.1/' },
      'url must not contain credentials (configure bearerToken instead)',
    ],
    [
      { url: 'http://127.0.0.1/', method: 'TRACE' },
      "method 'TRACE' is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
    ],
    [{ url: 'http://127.0.0.1/', body: 'x' }, 'a GET request cannot have a body'],
    [{ url: 'http://127.0.0.1/', headers: '{"Host":"internal"}' }, "header 'Host' cannot be set"],
    [
      { url: 'http://127.0.0.1/', headers: 'nope' },
      'headers must be a JSON object of header names to values',
    ],
    [
      { url: 'http://127.0.0.1/', timeoutMs: '0' },
      'timeoutMs must be a whole number from 1 to 300000',
    ],
    [{ url: 'http://127.0.0.1/', resultVariable: 'a-b' }, 'resultVariable must be a variable name'],
  ])('raises an incident at once for bad input %j', async (headers, message) => {
    const run = await runHandler(plugin, HTTP_REQUEST, {
      config: local,
      headers: headers as Record<string, string>,
    });
    expect(run.outcome).toEqual({ outcome: 'fail', message, retries: 0 });
    expect(run.state).toBe('incident');
    expect(received).toEqual([]);
  });
});

describe('http:request SSRF guard', () => {
  it('refuses a host that is not on the allow-list', async () => {
    const run = await runHandler(plugin, HTTP_REQUEST, {
      config: { allowedHosts: ['cmms.example.com'], allowPrivateNetworks: true },
      headers: { url: `${base}/permits` },
    });
    expect(run.outcome).toEqual({
      outcome: 'fail',
      message: "host '127.0.0.1' is not in allowedHosts",
      retries: 0,
    });
    expect(run.state).toBe('incident');
    expect(received).toEqual([]);
  });

  it('refuses everything when no hosts are allowed', async () => {
    const run = await runHandler(plugin, HTTP_REQUEST, {
      config: { allowedHosts: [] },
      headers: { url: `${base}/permits` },
    });
    expect(run.outcome).toMatchObject({
      message: 'no allowedHosts are configured, so no request may be sent',
    });
  });

  it('refuses a loopback address, given literally or by a name that resolves to it', async () => {
    const literal = await runHandler(plugin, HTTP_REQUEST, {
      config: { allowedHosts: ['127.0.0.1'] },
      headers: { url: `${base}/permits` },
    });
    expect(literal.outcome).toEqual({
      outcome: 'fail',
      message: '127.0.0.1 is a private or loopback address (set allowPrivateNetworks to allow it)',
      retries: 0,
    });
    const port = new URL(base).port;
    const named = await runHandler(plugin, HTTP_REQUEST, {
      config: { allowedHosts: ['localhost'] },
      headers: { url: `http://localhost:${port}/permits` },
    });
    expect(named.outcome).toMatchObject({ outcome: 'fail', retries: 0 });
    expect((named.outcome as { message: string }).message).toMatch(
      /^localhost resolves to (127\.0\.0\.1|::1), a private or loopback address/,
    );
    expect(named.state).toBe('incident');
    expect(received).toEqual([]);
  });

  it('matches hosts exactly or by subdomain wildcard', () => {
    const allowed = ['cmms.example.com', '*.plant.example', '10.20.0.5', '[fd00::1]'];
    expect(hostAllowed('cmms.example.com', allowed)).toBe(true);
    expect(hostAllowed('CMMS.example.com.', allowed)).toBe(true);
    expect(hostAllowed('evil-cmms.example.com', allowed)).toBe(false);
    expect(hostAllowed('api.plant.example', allowed)).toBe(true);
    expect(hostAllowed('a.b.plant.example', allowed)).toBe(true);
    expect(hostAllowed('plant.example', allowed)).toBe(false);
    expect(hostAllowed('evilplant.example', allowed)).toBe(false);
    expect(hostAllowed('10.20.0.5', allowed)).toBe(true);
    expect(hostAllowed('[fd00::1]', allowed)).toBe(true);
  });

  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.10', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['::', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['8.8.8.8', false],
    ['2001:4860:4860::8888', false],
  ])('%s is non-public: %s', (address, nonPublic) => {
    expect(isNonPublicAddress(address)).toBe(nonPublic);
  });
});

describe('http:request in a model built like the element template', () => {
  it('takes its request from input mappings (FEEL) and its result variable from a header', async () => {
    const port = new URL(base).port;
    const bpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="raise-work-order" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="createPermit"/>
    <bpmn:serviceTask id="createPermit">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="http:request" retries="3"/>
        <zeebe:ioMapping>
          <zeebe:input source="POST" target="method"/>
          <zeebe:input source="=&quot;http://127.0.0.1:${port}/permits?area=&quot; + area" target="url"/>
          <zeebe:input source="={area: area, hazards: hazards}" target="body"/>
        </zeebe:ioMapping>
        <zeebe:taskHeaders><zeebe:header key="resultVariable" value="permit"/></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="createPermit" targetRef="e"/>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
    const run = await runHandler(plugin, HTTP_REQUEST, {
      bpmn,
      config: local,
      variables: { area: 'tank-farm', hazards: ['H2S', 'confined space'] },
    });
    expect(run.state).toBe('completed');
    expect(received[0]).toMatchObject({ method: 'POST', path: '/permits?area=tank-farm' });
    expect(run.variables.permit).toMatchObject({
      status: 201,
      body: { id: 'PTW-1042', received: { area: 'tank-farm', hazards: ['H2S', 'confined space'] } },
    });
  });

  it('agrees with its package manifest', () => {
    expect(
      checkPluginPackage(plugin, readPluginPackage(new URL('..', import.meta.url)), {
        mainMustExist: true,
      }),
    ).toEqual([]);
  });
});
