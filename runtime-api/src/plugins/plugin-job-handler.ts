import type { JobInput, JobOutcome } from '@safeflow/plugin-sdk';
import { BpmnError, JobFailure, type JobHandler } from '../jobs/job-handlers.js';
import type { PluginHost } from './plugin-host.service.js';
import { isObject } from './is-object.js';

/** The longest back-off a plugin may ask for: a day (the external-worker REST allows the same). */
const MAX_BACKOFF_MS = 24 * 3600_000;

/** Variables as JSON (a plugin could return a Date, a Map or a cycle); throws if they are not. */
function jsonVariables(plugin: string, v: unknown): Record<string, unknown> {
  if (v === undefined) return {};
  if (!isObject(v)) throw new Error(`plugin '${plugin}' returned variables that are not an object`);
  try {
    return JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(
      `plugin '${plugin}' returned variables that are not JSON: ${(e as Error).message}`,
    );
  }
}

/**
 * A plugin's task handler as the job worker runs it, in the plugin's worker thread. Each attempt
 * gets the job as the SDK describes it (a copy: it crosses to the worker by structured clone) and a
 * context whose signal aborts at `pluginTimeoutMs`. Outcomes map onto the
 * worker's: complete → the job completes with the variables; fail → the attempt fails with the
 * plugin's retry decision (it may shorten the retries, never extend them, so a plugin cannot keep
 * a job alive forever); bpmn-error → a BPMN error. A throw, a rejection, a timeout or a plugin that
 * is not running fails the attempt with the message (secrets taken out): the worker retries with
 * back-off and, with no retries left, raises an incident. Nothing escapes as an unhandled
 * rejection, and a hang holds the worker for at most the time limit.
 */
export function pluginJobHandler(host: PluginHost, plugin: string, type: string): JobHandler {
  return async ({ job, idempotencyKey, retries }) => {
    const input: JobInput = {
      key: job.key,
      type,
      processInstanceId: job.instanceId,
      elementId: job.elementId,
      variables: job.variables as JobInput['variables'],
      headers: { ...job.headers },
      retries,
      idempotencyKey,
    };
    const text = host.redactorFor(plugin);
    // Throws (a PluginCallError, secrets taken out) when the plugin fails, hangs or is not running.
    const outcome = (await host.call(plugin, `task type '${type}'`, 'handle-job', {
      type,
      input,
    })) as JobOutcome;
    switch (isObject(outcome) ? outcome.outcome : undefined) {
      case 'complete':
        return jsonVariables(plugin, (outcome as { variables?: unknown }).variables);
      case 'fail': {
        const o = outcome as Extract<JobOutcome, { outcome: 'fail' }>;
        const max = Math.max(0, retries - 1);
        const left =
          Number.isInteger(o.retries) && o.retries! >= 0 ? Math.min(o.retries!, max) : undefined;
        const backoff =
          Number.isInteger(o.retryBackoffMs) && o.retryBackoffMs! >= 0
            ? Math.min(o.retryBackoffMs!, MAX_BACKOFF_MS)
            : undefined;
        throw new JobFailure(text(String(o.message ?? 'failed')), left, backoff);
      }
      case 'bpmn-error': {
        const o = outcome as Extract<JobOutcome, { outcome: 'bpmn-error' }>;
        if (typeof o.errorCode !== 'string' || o.errorCode === '')
          throw new Error(`plugin '${plugin}' returned a bpmn-error without an errorCode`);
        throw new BpmnError(
          o.errorCode,
          o.message === undefined ? undefined : text(String(o.message)),
          jsonVariables(plugin, o.variables),
        );
      }
      default:
        throw new Error(
          `plugin '${plugin}' task type '${type}' returned no outcome (expected complete(), fail() or bpmnError())`,
        );
    }
  };
}
