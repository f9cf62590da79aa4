import type { Fact } from '../fact-provider.js';
import type { JsonValue } from '../json-schema.js';
import type { PluginDefinition } from '../plugin-definition.js';
import { boundedCall } from './bounded-call.js';
import type { LogLine } from './recording-logger.js';
import { leakedSecrets } from './secret-leaks.js';
import { callContext, startTestPlugin, type PluginTestOptions } from './test-plugin.js';

export interface FactProviderTestOptions<
  Config = Record<string, unknown>,
> extends PluginTestOptions<Config> {
  /** Time limit of the fetch; default 10 s. */
  timeoutMs?: number;
}

export interface FactProviderRun {
  /** The fact, when `fetch` resolved with a well-formed one. */
  fact?: Fact;
  /** What `fetch` threw, or why its answer is not a fact. */
  error?: unknown;
  timedOut: boolean;
  /** How old the fact is on the test clock (ms), when there is one. */
  ageMs?: number;
  logs: LogLine[];
  leakedSecrets: string[];
}

/**
 * Asks a plugin's fact provider once with a test context and checks the answer is a fact the
 * runtime accepts: a JSON value with a numeric `observedAt`. (Parameters are validated against
 * `paramsSchema` by the runtime; pass parameters that fit it.)
 */
export async function testFactProvider<Config>(
  plugin: PluginDefinition<Config>,
  providerName: string,
  params: Record<string, JsonValue> = {},
  options: FactProviderTestOptions<Config> = {},
): Promise<FactProviderRun> {
  const provider = plugin.factProviders?.[providerName];
  if (!provider) {
    const known = Object.keys(plugin.factProviders ?? {});
    throw new Error(
      `plugin '${plugin.name}' has no fact provider '${providerName}' (it has: ${known.join(', ') || 'none'})`,
    );
  }
  const tested = await startTestPlugin(plugin, options);
  try {
    const ran = await boundedCall(
      (signal) => provider.fetch(structuredClone(params), callContext(tested, signal)),
      options.timeoutMs ?? 10_000,
      tested.ctx.signal,
    );
    const run: FactProviderRun = {
      timedOut: !ran.ok && ran.timedOut,
      logs: tested.logs,
      leakedSecrets: [],
    };
    if (!ran.ok) {
      run.error = ran.error;
    } else {
      const problem = factProblem(ran.value);
      if (problem) run.error = new Error(`fact provider returned ${problem}`);
      else {
        run.fact = ran.value;
        run.ageMs = tested.clock.now() - ran.value.observedAt;
      }
    }
    run.leakedSecrets = leakedSecrets(tested.ctx.config, tested.secretFields, [
      tested.logs,
      run.fact ?? null,
      run.error instanceof Error ? run.error.message : '',
    ]);
    return run;
  } finally {
    await tested.stop();
  }
}

function factProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `no fact (${String(value)})`;
  const f = value as Record<string, unknown>;
  if (!('value' in f) || f.value === undefined) return 'a fact without a value';
  if (typeof f.observedAt !== 'number' || !Number.isFinite(f.observedAt)) {
    return 'a fact without a numeric observedAt';
  }
  try {
    JSON.stringify(f.value);
  } catch {
    return 'a fact whose value is not JSON';
  }
  return undefined;
}
