import type { JobContext } from './plugin-context.js';
import type { JsonValue, Variables } from './json-schema.js';

/** One attempt of a service-task job, as a handler sees it. */
export interface JobInput {
  /** The job's key (stable across retries). */
  key: string;
  /** The task type (`zeebe:taskDefinition type`). */
  type: string;
  processInstanceId: string;
  /** The BPMN element id of the service task. */
  elementId: string;
  /** Variables visible to the task (after input mappings). */
  variables: Variables;
  /** Static headers from `zeebe:taskHeaders`. */
  headers: Record<string, string>;
  /** Retries left including this attempt. */
  retries: number;
  /** Hand this to external systems to make side effects happen at most once per job. */
  idempotencyKey: string;
}

/** What a handler decides. */
export type JobOutcome =
  | { outcome: 'complete'; variables?: Variables }
  | { outcome: 'fail'; message: string; retries?: number; retryBackoffMs?: number }
  | { outcome: 'bpmn-error'; errorCode: string; message?: string; variables?: Variables };

export type TaskHandler<Config = Record<string, unknown>> = (
  job: JobInput,
  ctx: JobContext<Config>,
) => Promise<JobOutcome> | JobOutcome;

/** The job is done; `variables` are merged into the process (through output mappings). */
export function complete(variables?: Variables): JobOutcome {
  return variables ? { outcome: 'complete', variables } : { outcome: 'complete' };
}

/**
 * The attempt failed. Without `retries` the runtime retries with one retry fewer and its back-off;
 * `retries: 0` raises an incident at once (e.g. a configuration error no retry will fix).
 */
export function fail(
  message: string,
  options: { retries?: number; retryBackoffMs?: number } = {},
): JobOutcome {
  return { outcome: 'fail', message, ...options };
}

/** A business outcome the model handles with an error boundary event (e.g. `PERMIT_REFUSED`). */
export function bpmnError(errorCode: string, message?: string, variables?: Variables): JobOutcome {
  return {
    outcome: 'bpmn-error',
    errorCode,
    ...(message !== undefined ? { message } : {}),
    ...(variables ? { variables } : {}),
  };
}

/** For handlers that read one typed header or variable. */
export type { JsonValue };
