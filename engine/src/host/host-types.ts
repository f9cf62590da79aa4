import type { Problem } from '../model/problem.js';
import type { EngineError } from '../runtime/engine-error.js';
import type { EngineEvent } from '../runtime/engine-event.js';

export type Variables = Record<string, unknown>;

export interface EngineOptions {
  /** Injected clock (ms since epoch). Default: a fixed clock at 0 — the engine never reads real time. */
  clock?: () => number;
  /** Id source for instances; default a deterministic counter (`i1`, `i2`, ...). */
  newInstanceId?: () => string;
  /** Keep completed/terminated instances (state and log) in memory. Default true. */
  retainFinishedInstances?: boolean;
  /** Called with the events of every command, after they are applied. */
  onEvents?: (events: readonly EngineEvent[]) => void;
}

export interface DeploymentResource {
  name: string;
  content: string | Uint8Array;
}

export interface DeployedProcess {
  /** BPMN process id (the "key" users start by). */
  id: string;
  /** Unique key of this version: `<id>:<version>`. */
  key: string;
  version: number;
}

export interface DeployResult {
  deploymentId: string;
  processes: DeployedProcess[];
  /** Warnings that did not refuse the deployment. */
  warnings: Problem[];
}

export type CommandResult = { ok: true; events: EngineEvent[] } | { ok: false; error: EngineError };

export type StartResult =
  { ok: true; instanceId: string; events: EngineEvent[] } | { ok: false; error: EngineError };

export type CorrelateResult =
  { ok: true; correlated: number; events: EngineEvent[] } | { ok: false; error: EngineError };

export interface StartOptions {
  variables?: Variables;
  businessKey?: string;
  /** Fixed version; default latest. */
  version?: number;
  /** Start at this start event (message/timer/signal/none); default the none start event. */
  startEventId?: string;
}

export type InstanceStatus = 'active' | 'completed' | 'terminated' | 'incident';

export interface InstanceView {
  id: string;
  processId: string;
  processKey: string;
  version: number;
  businessKey?: string;
  state: InstanceStatus;
  /** Root-scope variables. */
  variables: Variables;
  /** Element ids of active element instances (waiting tasks, events, sub-processes...). */
  activeElementIds: string[];
  parentInstanceId?: string;
  startedAt: number;
  endedAt?: number;
}

export interface UserTaskView {
  id: string;
  instanceId: string;
  processId: string;
  elementId: string;
  name?: string;
  assignee?: string;
  candidateGroups: string[];
  candidateUsers: string[];
  candidateRoles: string[];
  formKey?: string;
  formId?: string;
  embeddedForm?: string;
  due?: string;
  followUp?: string;
  priority?: number;
  /** Variables visible at the task (after input mappings). */
  variables: Variables;
  createdAt: number;
}

export interface JobView {
  key: string;
  type: string;
  instanceId: string;
  processId: string;
  elementId: string;
  headers: Record<string, string>;
  /** Variables visible at the element (after input mappings). */
  variables: Variables;
  retries: number;
  /** Not to be worked before this time (retry back-off). */
  notBefore?: number;
  /** Stable across retries of the same job: hand it to side effects for idempotency. */
  idempotencyKey: string;
  createdAt: number;
}

export interface IncidentView {
  id: string;
  instanceId: string;
  elementId?: string;
  type: string;
  message: string;
  jobKey?: string;
  createdAt: number;
}

export interface ModifyInstruction {
  /** Element instance keys or element ids to terminate. */
  terminate?: Array<number | string>;
  /** Elements to activate (in the scope where they are drawn). */
  activate?: Array<{ elementId: string; variables?: Variables }>;
}

export interface FailJobOptions {
  retries: number;
  errorMessage?: string;
  /** Back-off before the job may be worked again (ms). */
  retryBackoffMs?: number;
  variables?: Variables;
}

export interface ThrowErrorOptions {
  errorMessage?: string;
  variables?: Variables;
}

export interface MessageToCorrelate {
  name: string;
  correlationKey?: string;
  variables?: Variables;
}
