import {
  Engine,
  type EngineError,
  type IncidentView,
  type InstanceStatus,
  type InstanceView,
  type JobView,
} from '@safeflow/engine';
import type { Variables } from '../json-schema.js';
import type { JobContext } from '../plugin-context.js';
import type { PluginDefinition } from '../plugin-definition.js';
import type { JobInput, JobOutcome } from '../task-handler.js';
import { boundedCall, errorMessage } from './bounded-call.js';
import { oneTaskProcess, type OneTaskProcessOptions } from './one-task-process.js';
import type { LogLine } from './recording-logger.js';
import { leakedSecrets } from './secret-leaks.js';
import type { TestClock } from './test-clock.js';
import { callContext, startTestPlugin, type PluginTestOptions } from './test-plugin.js';

export interface RunHandlerOptions<
  Config = Record<string, unknown>,
> extends PluginTestOptions<Config> {
  /**
   * A BPMN model to deploy instead of the generated one-task model; the first job of the task type
   * that becomes due in the started instance is worked.
   */
  bpmn?: string;
  /** Process to start when `bpmn` holds several; default the first executable one. */
  processId?: string;
  /** Variables the instance starts with (the task sees them, after its input mappings). */
  variables?: Variables;
  /** Task headers of the generated model (ignored with `bpmn`). */
  headers?: Record<string, string>;
  /** Retries of the generated model's task; default 3 (ignored with `bpmn`). */
  retries?: number;
  /** Catch-all error boundary on the generated model's task; default true (ignored with `bpmn`). */
  catchErrors?: boolean;
  /** Time limit of one attempt, after which its signal aborts and the attempt fails; default 10 s. */
  timeoutMs?: number;
  /**
   * Attempts to run at most: after a failed attempt with retries left, the test clock moves past
   * the back-off and the handler runs again — so a test can watch retries run out into an incident.
   * Default 1.
   */
  maxAttempts?: number;
}

/** One run of the handler on the job. */
export interface HandlerAttempt {
  /** What the handler was given. */
  job: JobInput;
  /** What it decided; a throw, a hang or an invalid answer is turned into a `fail`. */
  outcome: JobOutcome;
  /** What it threw or rejected with, if it did. */
  error?: unknown;
  /** It did not settle within the time limit. */
  timedOut: boolean;
}

export interface HandlerRun {
  /** The last attempt's outcome. */
  outcome: JobOutcome;
  attempts: HandlerAttempt[];
  /** The last attempt's job. */
  job: JobInput;
  instanceId: string;
  /** `completed`, `active` (e.g. waiting for a retry), `incident` or `terminated`. */
  state: InstanceStatus;
  instance: InstanceView;
  /** The instance's (root-scope) variables after the outcome was applied. */
  variables: Variables;
  /** Elements completed so far, in order (e.g. `done` or `errorCaught` of the one-task model). */
  completedElementIds: string[];
  incidents: IncidentView[];
  logs: LogLine[];
  /** Secret config fields whose values appear in logs, variables or outcome messages. */
  leakedSecrets: string[];
  /** The engine, for further steps (complete a following user task, look at events). */
  engine: Engine;
  clock: TestClock;
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
/** The longest back-off a handler may ask for (as in the runtime): a day. */
const MAX_BACKOFF_MS = 24 * 3600_000;

/** The runtime's back-off before the n-th retry when the handler names none: 1 s, 2 s, 4 s… ≤ 5 min. */
export function defaultRetryBackoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 5 * 60_000);
}

/**
 * Runs a plugin's task handler the way the runtime does, on a real in-memory engine: deploys a
 * model with a service task of `taskType` (or the given one), starts an instance, hands the job to
 * the handler with a JobContext (configuration, recording logger, test clock, AbortSignal with a
 * time limit) and applies the outcome through the engine (complete, fail with retries and back-off,
 * BPMN error). Resolves with the outcome and the instance as it is afterwards.
 */
export async function runHandler<Config>(
  plugin: PluginDefinition<Config>,
  taskType: string,
  options: RunHandlerOptions<Config> = {},
): Promise<HandlerRun> {
  const handler = plugin.taskHandlers?.[taskType];
  if (!handler) {
    const known = Object.keys(plugin.taskHandlers ?? {});
    throw new Error(
      `plugin '${plugin.name}' has no task handler '${taskType}' (it has: ${known.join(', ') || 'none'})`,
    );
  }
  const maxAttempts = options.maxAttempts ?? 1;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new Error('maxAttempts must be a positive integer');
  const timeoutMs = options.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;

  const tested = await startTestPlugin(plugin, options);
  const { clock } = tested;
  try {
    const engine = new Engine({ clock: clock.now });
    const instanceId = await startInstance(engine, taskType, options);
    const attempts: HandlerAttempt[] = [];
    let jobKey: string | undefined;
    while (attempts.length < maxAttempts) {
      const job = nextJob(engine, instanceId, taskType, jobKey, clock);
      if (!job) {
        if (attempts.length === 0) throw new Error(noJobMessage(engine, instanceId, taskType));
        break;
      }
      jobKey = job.key;
      const input = jobInput(job);
      const ran = await boundedCall(
        (signal) => handler(input, callContext(tested, signal) as JobContext<Config>),
        timeoutMs,
        tested.ctx.signal,
      );
      const attempt = toAttempt(input, ran);
      attempts.push(attempt);
      apply(engine, input, attempt.outcome, attempts.length);
      if (attempt.outcome.outcome !== 'fail') break;
    }
    const last = attempts[attempts.length - 1]!;
    const instance = engine.getInstance(instanceId)!;
    const incidents = engine.incidents({ instanceId });
    const variables = instance.variables as Variables;
    return {
      outcome: last.outcome,
      attempts,
      job: last.job,
      instanceId,
      state: instance.state,
      instance,
      variables,
      completedElementIds: engine
        .getEvents(instanceId)
        .filter((e) => e.type === 'element.completed' && e.elementId !== undefined)
        .map((e) => e.elementId!),
      incidents,
      logs: tested.logs,
      leakedSecrets: leakedSecrets(tested.ctx.config, tested.secretFields, [
        tested.logs,
        variables,
        attempts.map((a) => a.outcome),
        incidents.map((i) => i.message),
      ]),
      engine,
      clock,
    };
  } finally {
    await tested.stop();
  }
}

async function startInstance(
  engine: Engine,
  taskType: string,
  options: RunHandlerOptions<unknown>,
): Promise<string> {
  const generated: OneTaskProcessOptions = { taskType };
  if (options.headers) generated.headers = options.headers;
  if (options.retries !== undefined) generated.retries = options.retries;
  if (options.catchErrors !== undefined) generated.catchErrors = options.catchErrors;
  const bpmn = options.bpmn ?? oneTaskProcess(generated);
  const deployed = await engine.deploy([{ name: 'plugin-test.bpmn', content: bpmn }]);
  const processId = options.processId ?? deployed.processes[0]?.id;
  if (!processId) throw new Error('the model has no executable process');
  const started = engine.start(
    processId,
    options.variables ? { variables: options.variables } : {},
  );
  if (!started.ok) throw new Error(`could not start '${processId}': ${describe(started.error)}`);
  return started.instanceId;
}

/**
 * The job to work next: the first due job of the type, or — for a retry — the same job, once the
 * clock has been moved past its back-off.
 */
function nextJob(
  engine: Engine,
  instanceId: string,
  taskType: string,
  retryOf: string | undefined,
  clock: TestClock,
): JobView | undefined {
  if (retryOf !== undefined) {
    const waiting = engine.getState(instanceId)?.jobs[retryOf];
    if (!waiting || waiting.retries <= 0) return undefined;
    if (waiting.notBefore !== undefined && waiting.notBefore > clock.now())
      clock.set(waiting.notBefore);
    return engine.activatableJobs({ instanceId, type: taskType }).find((j) => j.key === retryOf);
  }
  return engine.activatableJobs({ instanceId, type: taskType })[0];
}

function noJobMessage(engine: Engine, instanceId: string, taskType: string): string {
  const view = engine.getInstance(instanceId);
  const incidents = engine.incidents({ instanceId }).map((i) => i.message);
  return (
    `no job of type '${taskType}' is waiting in the instance (state ${view?.state}, at ` +
    `${view?.activeElementIds.join(', ') || 'no element'}` +
    `${incidents.length ? `; incidents: ${incidents.join('; ')}` : ''})`
  );
}

function jobInput(job: JobView): JobInput {
  return {
    key: job.key,
    type: job.type,
    processInstanceId: job.instanceId,
    elementId: job.elementId,
    variables: structuredClone(job.variables) as Variables,
    headers: { ...job.headers },
    retries: job.retries,
    idempotencyKey: job.idempotencyKey,
  };
}

function toAttempt(
  job: JobInput,
  ran: Awaited<ReturnType<typeof boundedCall<JobOutcome>>>,
): HandlerAttempt {
  if (!ran.ok) {
    const message = ran.timedOut
      ? `task handler timed out: ${errorMessage(ran.error)}`
      : `task handler threw: ${errorMessage(ran.error)}`;
    return { job, outcome: { outcome: 'fail', message }, error: ran.error, timedOut: ran.timedOut };
  }
  const problem = outcomeProblem(ran.value);
  if (problem) {
    return {
      job,
      outcome: { outcome: 'fail', message: `task handler returned ${problem}` },
      timedOut: false,
    };
  }
  return { job, outcome: ran.value, timedOut: false };
}

/** Why a handler's answer is not a JobOutcome, or undefined when it is one. */
function outcomeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `no outcome (${String(value)})`;
  const o = value as Record<string, unknown>;
  const vars = o.variables;
  if (vars !== undefined && (typeof vars !== 'object' || vars === null || Array.isArray(vars))) {
    return 'variables that are not an object';
  }
  switch (o.outcome) {
    case 'complete':
      return undefined;
    case 'fail':
      if (typeof o.message !== 'string') return 'a fail outcome without a message';
      if (o.retries !== undefined && !(Number.isInteger(o.retries) && (o.retries as number) >= 0)) {
        return 'a fail outcome with retries that are not a whole number ≥ 0';
      }
      return undefined;
    case 'bpmn-error':
      return typeof o.errorCode === 'string' && o.errorCode !== ''
        ? undefined
        : 'a bpmn-error outcome without an errorCode';
    default:
      return `an unknown outcome '${String(o.outcome)}'`;
  }
}

function apply(engine: Engine, job: JobInput, outcome: JobOutcome, attempt: number): void {
  let result;
  switch (outcome.outcome) {
    case 'complete':
      result = engine.completeJob(job.key, outcome.variables);
      break;
    case 'fail': {
      // As the runtime does: a handler may shorten the retries, never extend them (a job could
      // otherwise live forever), and its back-off is capped at a day.
      const fewer = Math.max(0, job.retries - 1);
      const backoff = outcome.retryBackoffMs;
      result = engine.failJob(job.key, {
        retries: outcome.retries === undefined ? fewer : Math.min(outcome.retries, fewer),
        errorMessage: outcome.message,
        retryBackoffMs:
          Number.isInteger(backoff) && backoff! >= 0
            ? Math.min(backoff!, MAX_BACKOFF_MS)
            : defaultRetryBackoffMs(attempt),
      });
      break;
    }
    case 'bpmn-error':
      result = engine.throwError(job.key, outcome.errorCode, {
        ...(outcome.message !== undefined ? { errorMessage: outcome.message } : {}),
        ...(outcome.variables ? { variables: outcome.variables } : {}),
      });
      break;
  }
  if (!result.ok) {
    throw new Error(
      `the engine refused the handler's ${outcome.outcome} outcome: ${describe(result.error)}`,
    );
  }
}

function describe(error: EngineError): string {
  return `${error.code}: ${error.message}`;
}
