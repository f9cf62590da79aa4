import type { Connector, Reading, ReadingSink } from '../connector.js';
import type { PluginDefinition } from '../plugin-definition.js';
import { boundedCall, errorMessage } from './bounded-call.js';
import type { LogLine } from './recording-logger.js';
import { callContext, startTestPlugin, type PluginTestOptions } from './test-plugin.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface ConnectorTestOptions<
  Config = Record<string, unknown>,
> extends PluginTestOptions<Config> {
  /** Time limit of the connector's `start`; default 10 s. */
  startTimeoutMs?: number;
}

/** A started connector with a sink that records what it delivers. */
export interface ConnectorHarness {
  /** Every well-formed reading pushed, in order. */
  readonly readings: Reading[];
  /** What was wrong with each reading the runtime would refuse (missing tag, unknown quality…). */
  readonly rejected: Array<{ reading: unknown; problem: string }>;
  /** Every connection state reported, in order. */
  readonly statuses: Array<{ state: ConnectionState; detail?: string; at: number }>;
  readonly logs: LogLine[];
  /** Resolves with the readings once at least `count` have arrived; rejects after `timeoutMs`. */
  waitForReadings(count: number, timeoutMs?: number): Promise<Reading[]>;
  /** Resolves once the connector has reported `state` (now or earlier); rejects after `timeoutMs`. */
  waitForStatus(state: ConnectionState, timeoutMs?: number): Promise<void>;
  /** Stops the connector, then the plugin. */
  stop(): Promise<void>;
}

const QUALITIES = new Set(['good', 'uncertain', 'bad']);

function readingProblem(r: unknown): string | undefined {
  if (typeof r !== 'object' || r === null) return 'not an object';
  const o = r as Record<string, unknown>;
  if (typeof o.source !== 'string' || o.source === '') return 'no source';
  if (typeof o.tag !== 'string' || o.tag === '') return 'no tag';
  if (!['number', 'string', 'boolean'].includes(typeof o.value))
    return 'a value that is not a number, string or boolean';
  if (typeof o.value === 'number' && !Number.isFinite(o.value))
    return 'a value that is not a finite number';
  if (!QUALITIES.has(o.quality as string)) return `an unknown quality '${String(o.quality)}'`;
  if (typeof o.timestamp !== 'number' || !Number.isFinite(o.timestamp))
    return 'no numeric timestamp';
  return undefined;
}

/**
 * Starts one connection of a plugin's connector with `settings` and a recording sink. Waiting is on
 * conditions (a reading count, a state) with time limits, never on sleeps. Call `stop()` at the end.
 */
export async function testConnector<Config>(
  plugin: PluginDefinition<Config>,
  connectorName: string,
  settings: Record<string, unknown> = {},
  options: ConnectorTestOptions<Config> = {},
): Promise<ConnectorHarness> {
  const factory = plugin.connectors?.[connectorName];
  if (!factory) {
    const known = Object.keys(plugin.connectors ?? {});
    throw new Error(
      `plugin '${plugin.name}' has no connector '${connectorName}' (it has: ${known.join(', ') || 'none'})`,
    );
  }
  const tested = await startTestPlugin(plugin, options);
  const readings: Reading[] = [];
  const rejected: ConnectorHarness['rejected'] = [];
  const statuses: ConnectorHarness['statuses'] = [];
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const check of [...waiters]) check();
  };
  const sink: ReadingSink = {
    push(reading) {
      const problem = readingProblem(reading);
      if (problem) rejected.push({ reading, problem });
      else readings.push(structuredClone(reading));
      changed();
    },
    status(state, detail) {
      statuses.push(
        detail === undefined
          ? { state, at: tested.clock.now() }
          : { state, detail, at: tested.clock.now() },
      );
      changed();
    },
  };
  const waitFor = (done: () => boolean, what: string, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });

  const started = await boundedCall(
    (signal) => factory.start(structuredClone(settings), sink, callContext(tested, signal)),
    options.startTimeoutMs ?? 10_000,
    tested.ctx.signal,
  );
  if (!started.ok) {
    await tested.stop();
    throw new Error(`connector '${connectorName}' did not start: ${errorMessage(started.error)}`);
  }
  const connector: Connector = started.value;
  let stopped = false;
  return {
    readings,
    rejected,
    statuses,
    logs: tested.logs,
    async waitForReadings(count, timeoutMs = 5_000) {
      await waitFor(
        () => readings.length >= count,
        `${count} reading(s) (have ${readings.length})`,
        timeoutMs,
      );
      return readings.slice();
    },
    waitForStatus(state, timeoutMs = 5_000) {
      return waitFor(() => statuses.some((s) => s.state === state), `status '${state}'`, timeoutMs);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await connector.stop();
      } finally {
        await tested.stop();
      }
    },
  };
}
