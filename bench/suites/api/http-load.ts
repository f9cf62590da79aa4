/**
 * The three HTTP measurements of the API bench, each one autocannon run (programmatic API) against
 * the running service:
 *  - flows: every connection loops start → list its task → complete it (autocannon's `requests`
 *    sequence, chained through the per-connection context); a flow counts when its completion
 *    answered 200;
 *  - starts: `POST /api/process-instances` alone;
 *  - completions: `POST /api/tasks/:id/complete`, each on a task created beforehand (by the starts).
 * Latency is autocannon's own response time (request written → response read), taken from its
 * `response` events so that percentiles come from every sample (its histogram rounds to 1 ms).
 */
import autocannon from 'autocannon';
import {
  APPROVAL_PROCESS,
  SIGNOFF_TASK,
  SIGNOFF_VARIABLES,
  START_VARIABLES,
} from './approval-flow.js';

export interface Target {
  base: string;
  token: string;
  connections: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    count: sorted.length,
    p50: at(0.5) ?? NaN,
    p99: at(0.99) ?? NaN,
    mean: sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

interface Run {
  result: autocannon.Result;
  /** Response times (ms) of the 2xx responses. */
  samples: number[];
}

const START_BODY = JSON.stringify({ processKey: APPROVAL_PROCESS, variables: START_VARIABLES });
const COMPLETE_BODY = JSON.stringify({ variables: SIGNOFF_VARIABLES });

function load(target: Target, options: Partial<autocannon.Options>): Promise<Run> {
  const samples: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.base,
        connections: target.connections,
        headers: {
          authorization: `Bearer ${target.token}`,
          'content-type': 'application/json',
        },
        ...options,
      },
      (err, result) => (err ? reject(err) : resolve({ result, samples })),
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status >= 200 && status < 300) samples.push(responseTime);
    });
  });
}

/** Refuses a run with errors or non-2xx answers: its figures would not be about the work. */
function checkClean(what: string, result: autocannon.Result): void {
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    const codes = JSON.stringify(result.statusCodeStats ?? {});
    throw new Error(
      `${what}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers (${codes})`,
    );
  }
}

/** Reads the first task id out of a `GET /api/tasks` answer (a list, or a page of `items`). */
export function taskIdsOf(body: string): string[] {
  const parsed = JSON.parse(body) as unknown;
  const list = Array.isArray(parsed)
    ? parsed
    : ((parsed as { items?: unknown[] } | null)?.items ?? []);
  return (list as Array<{ id: string; elementId: string }>)
    .filter((t) => t.elementId === SIGNOFF_TASK)
    .map((t) => t.id);
}

export interface FlowsResult {
  flows: number;
  seconds: number;
  perSecond: number;
  /** Start sent → completion answered, per flow (ms). */
  flowMs: LatencySummary;
  /** Flows started but cut off by the end of the run (their task is still open). */
  unfinished: number;
  requests: number;
}

interface FlowContext {
  t0?: number;
  instanceId?: string;
  taskId?: string;
}

export async function measureFlows(target: Target, seconds: number): Promise<FlowsResult> {
  let started = 0;
  let flows = 0;
  const flowMs: number[] = [];
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/api/process-instances',
      body: START_BODY,
      setupRequest: (req, ctx: FlowContext) => {
        ctx.t0 = performance.now();
        return req;
      },
      onResponse: (status, body, ctx: FlowContext) => {
        if (status !== 201) return;
        started++;
        ctx.instanceId = (JSON.parse(body) as { id: string }).id;
      },
    },
    {
      method: 'GET',
      // A start that failed leaves no id: the request then asks for a task that is not there, the
      // completion gets a 404 and the run is refused by checkClean.
      setupRequest: (req, ctx: FlowContext) => ({
        ...req,
        path: `/api/tasks?processInstanceId=${encodeURIComponent(ctx.instanceId ?? 'missing')}`,
      }),
      onResponse: (status, body, ctx: FlowContext) => {
        if (status === 200) ctx.taskId = taskIdsOf(body)[0];
      },
    },
    {
      method: 'POST',
      body: COMPLETE_BODY,
      setupRequest: (req, ctx: FlowContext) => ({
        ...req,
        path: `/api/tasks/${encodeURIComponent(ctx.taskId ?? 'missing.0')}/complete`,
      }),
      onResponse: (status, _body, ctx: FlowContext) => {
        if (status !== 200) return;
        flows++;
        if (ctx.t0 !== undefined) flowMs.push(performance.now() - ctx.t0);
      },
    },
  ];
  const { result } = await load(target, { duration: seconds, requests });
  checkClean('flows', result);
  return {
    flows,
    seconds: result.duration,
    perSecond: flows / result.duration,
    flowMs: summarize(flowMs),
    unfinished: started - flows,
    requests: result.requests.total,
  };
}

export interface StartsResult {
  latency: LatencySummary;
  perSecond: number;
  instanceIds: string[];
}

export async function measureStarts(target: Target, seconds: number): Promise<StartsResult> {
  const instanceIds: string[] = [];
  const { result, samples } = await load(target, {
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/process-instances',
        body: START_BODY,
        onResponse: (status, body) => {
          if (status === 201) instanceIds.push((JSON.parse(body) as { id: string }).id);
        },
      },
    ],
  });
  checkClean('starts', result);
  return {
    latency: summarize(samples),
    perSecond: instanceIds.length / result.duration,
    instanceIds,
  };
}

export interface CompletionsResult {
  latency: LatencySummary;
  perSecond: number;
  completed: number;
}

/**
 * Completes `amount` of `taskIds`, each once. autocannon builds each request from the next id; it
 * may build one request per connection beyond `amount` that is never sent, so the caller passes
 * `connections` spare ids.
 */
export async function measureCompletions(
  target: Target,
  taskIds: readonly string[],
  amount: number,
): Promise<CompletionsResult> {
  if (taskIds.length < amount + target.connections)
    throw new Error(`completions: ${taskIds.length} tasks for ${amount} completions`);
  let next = 0;
  let completed = 0;
  const { result, samples } = await load(target, {
    amount,
    requests: [
      {
        method: 'POST',
        body: COMPLETE_BODY,
        setupRequest: (req) => ({
          ...req,
          path: `/api/tasks/${encodeURIComponent(taskIds[next++] ?? 'missing.0')}/complete`,
        }),
        onResponse: (status) => {
          if (status === 200) completed++;
        },
      },
    ],
  });
  checkClean('completions', result);
  if (completed !== amount)
    throw new Error(`completions: ${completed} answered 200, ${amount} sent`);
  return { latency: summarize(samples), perSecond: completed / result.duration, completed };
}
