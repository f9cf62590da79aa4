import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The broker binaries a private Mosquitto needs, and openssl for its certificates. */
const TOOLS = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto_passwd', '/usr/bin/openssl'];

/** Why a private Mosquitto cannot be started here, or undefined. */
export function privateMosquittoProblem(): string | undefined {
  const missing = TOOLS.filter((t) => !existsSync(t));
  return missing.length > 0 ? `${missing.join(', ')} not installed` : undefined;
}

export interface BrokerUser {
  name: string;
  password: string;
  /** Mosquitto ACL lines for the user (`topic read plant/#`). */
  acl: string[];
}

/**
 * A Mosquitto of the test's own (the machine's broker stays as it is): password file, ACL,
 * a plain listener, a plain listener granting at most QoS 0, and a TLS listener whose certificate
 * is for `broker.plant.test`, signed by a CA made for the run.
 */
export interface PrivateMosquitto {
  plainUrl: string;
  qos0Url: string;
  tlsUrl: string;
  /** PEM of the run's CA. */
  caPem: string;
  /** The name in the broker's certificate (not the address it is reached at). */
  tlsName: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function makeCertificates(dir: string, name: string): void {
  const ssl = (...args: string[]) =>
    execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=SafeFlow test plant CA',
  );
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${name}`);
  writeFileSync(
    join(dir, 'server.ext'),
    `subjectAltName=DNS:${name}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  ssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  );
}

export async function startPrivateMosquitto(users: BrokerUser[]): Promise<PrivateMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'safeflow-mosquitto-'));
  const tlsName = 'broker.plant.test';
  makeCertificates(dir, tlsName);
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, '');
  for (const u of users)
    execFileSync('/usr/bin/mosquitto_passwd', ['-b', passwd, u.name, u.password], {
      stdio: 'pipe',
    });
  writeFileSync(
    join(dir, 'acl'),
    users.map((u) => [`user ${u.name}`, ...u.acl, ''].join('\n')).join('\n'),
  );
  const [plain, qos0, tls] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      // Run as whoever runs the test, so it can read the files of this folder.
      `user ${userInfo().username}`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      'persistence false',
      'per_listener_settings false',
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${join(dir, 'acl')}`,
      `listener ${plain} 127.0.0.1`,
      `listener ${qos0} 127.0.0.1`,
      'max_qos 0',
      `listener ${tls} 127.0.0.1`,
      `cafile ${join(dir, 'ca.crt')}`,
      `certfile ${join(dir, 'server.crt')}`,
      `keyfile ${join(dir, 'server.key')}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'mosquitto.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => fail(new Error(`exited with ${code}`));
    const onLog = (chunk: Buffer) => {
      log += chunk.toString();
      if (!/mosquitto version .* running/.test(log)) return;
      done();
      resolve();
    };
    const done = () => {
      clearTimeout(timer);
      child.off('error', fail);
      child.off('exit', onExit);
      child.stderr!.off('data', onLog);
      // Keep draining its log so the pipe never fills.
      child.stderr!.resume();
    };
    const fail = (e: Error) => {
      done();
      child.kill();
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`private mosquitto: ${e.message}\n${log}`));
    };
    const timer = setTimeout(() => fail(new Error('did not start within 10 s')), 10_000);
    child.on('error', fail);
    child.on('exit', onExit);
    child.stderr!.on('data', onLog);
  });
  return {
    plainUrl: `mqtt://127.0.0.1:${plain}`,
    qos0Url: `mqtt://127.0.0.1:${qos0}`,
    tlsUrl: `mqtts://127.0.0.1:${tls}`,
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    tlsName,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // It keeps nothing (persistence false), so there is nothing to shut down gracefully — and
        // under the test runner it does not always act on SIGTERM.
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
