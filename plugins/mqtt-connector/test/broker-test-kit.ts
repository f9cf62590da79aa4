import { randomBytes } from 'node:crypto';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

/** Why the broker at `url` cannot be used, or undefined when it answers a CONNECT. */
export async function brokerProblem(
  url: string,
  options: IClientOptions = {},
): Promise<string | undefined> {
  try {
    const client = await connectAsync(url, {
      connectTimeout: 3_000,
      reconnectPeriod: 0,
      ...options,
    });
    await client.endAsync();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** A topic prefix of this run alone, so parallel runs on one broker never see each other's messages. */
export function uniquePrefix(): string {
  return `sf-test/${randomBytes(6).toString('hex')}`;
}

/**
 * Resolves once `done()` is true, checking after every turn of the event loop's timers; rejects
 * after `timeoutMs` naming `what`. For conditions the harness has no waiter for (a second
 * `connected`).
 */
export function eventually(done: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (done()) return resolve();
      if (performance.now() > deadline)
        return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(check, 5);
    };
    check();
  });
}

/** Open sockets of this process (TCP and TLS), to check a stopped connector left none behind. */
export function openSockets(): number {
  return process
    .getActiveResourcesInfo()
    .filter((r) => r === 'TCPSocketWrap' || r === 'TCPWrap' || r === 'TLSWrap').length;
}

/** A plain client for publishing test messages. */
export function publisher(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
}

/** What goes in the log when a broker test is skipped outside CI. */
export function skipBanner(what: string, problem: string, hint: string): string {
  return (
    `\n\n!!!!!!!! SKIPPING ${what}: ${problem}.\n` +
    `!!!!!!!! ${hint} In CI (CI=true) this is a failure.\n\n`
  );
}
