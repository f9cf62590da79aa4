/**
 * The state of one process instance: a plain-JSON fold of its event log (see apply-event.ts).
 * `schemaVersion` lets saved states from older releases be upgraded when they are loaded.
 */
export const STATE_SCHEMA_VERSION = 1;

export type Vars = Record<string, unknown>;

/** Role of an element instance that wraps repeated executions of an activity. */
export type ElementRole = 'miBody' | 'loopBody' | 'inner';

export interface ElementInstance {
  key: number;
  elementId: string;
  /** Flow scope (enclosing process / sub-process / loop body element instance). */
  scopeKey?: number;
  role?: ElementRole;
  /** Local variables (scopes, input mappings, multi-instance element variables). */
  vars?: Vars;
  /** Number of live child element instances (scopes only). */
  children: number;
  /** Multi-instance / loop bookkeeping (body only). */
  loop?: LoopState;
  /** Event sub-process: the start event that triggered it. */
  startEventId?: string;
  /** Scope was interrupted by an interrupting event sub-process. */
  interrupted?: boolean;
  /** Call activity: the child instance it waits for. */
  childInstanceId?: string;
}

export interface LoopState {
  /** Executions started so far. */
  started: number;
  completed: number;
  /** Total for multi-instance (collection size or cardinality). */
  total?: number;
  /** Sequential multi-instance: the evaluated input collection. */
  items?: unknown[];
  /** Collected output elements, by execution index. */
  outputs?: unknown[];
}

export interface TaskState {
  id: string;
  key: number;
  elementId: string;
  name?: string;
  assignee?: string;
  candidateGroups: string[];
  candidateUsers: string[];
  candidateRoles: string[];
  formKey?: string;
  formId?: string;
  due?: string;
  followUp?: string;
  priority?: number;
  createdAt: number;
}

export interface JobState {
  key: string;
  elementKey: number;
  elementId: string;
  type: string;
  retries: number;
  headers: Record<string, string>;
  notBefore?: number;
  errorMessage?: string;
  /** Execution listener job: which event of the element and which listener. */
  listener?: { event: 'start' | 'end'; index: number };
  createdAt: number;
}

/** Who a timer or subscription belongs to, and what happens when it triggers. */
export type TriggerKind = 'catch' | 'boundary' | 'eventSubProcess' | 'eventGateway';

export interface TimerState {
  id: string;
  ownerKey: number;
  kind: TriggerKind;
  /** The event element that triggers (catch, boundary, event sub-process start, gateway target). */
  targetId: string;
  dueAt: number;
  /** Repeating cycle: remaining repetitions after this one (null = infinite) and ISO interval. */
  cycle?: { remaining: number | null; interval: unknown };
}

export interface SubscriptionState {
  id: string;
  ownerKey: number;
  kind: TriggerKind;
  targetId: string;
  channel: 'message' | 'signal';
  name: string;
  correlationKey?: string;
}

/** What to re-run when an incident is resolved. */
export type RetryStep =
  | { op: 'enter'; key: number }
  | { op: 'complete'; key: number; vars?: Vars }
  | { op: 'job'; jobKey: string }
  | { op: 'none' };

export interface IncidentState {
  id: string;
  type: string;
  message: string;
  elementId?: string;
  key?: number;
  jobKey?: string;
  retry: RetryStep;
  createdAt: number;
}

export interface InstanceState {
  schemaVersion: number;
  id: string;
  processId: string;
  processKey: string;
  version: number;
  businessKey?: string;
  parent?: { instanceId: string; key: number };
  status: 'active' | 'completed' | 'terminated';
  startedAt: number;
  endedAt?: number;
  seq: number;
  nextKey: number;
  rootKey: number;
  elements: Record<number, ElementInstance>;
  /** Tokens waiting at joins: scopeKey → gateway id → flow id → count. */
  joins: Record<number, Record<string, Record<string, number>>>;
  tasks: Record<string, TaskState>;
  jobs: Record<string, JobState>;
  timers: Record<string, TimerState>;
  subscriptions: Record<string, SubscriptionState>;
  incidents: Record<string, IncidentState>;
}

export function emptyInstanceState(id: string): InstanceState {
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    id,
    processId: '',
    processKey: '',
    version: 0,
    status: 'active',
    startedAt: 0,
    seq: 0,
    nextKey: 1,
    rootKey: 1,
    elements: {},
    joins: {},
    tasks: {},
    jobs: {},
    timers: {},
    subscriptions: {},
    incidents: {},
  };
}
