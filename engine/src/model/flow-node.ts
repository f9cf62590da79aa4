import type {
  CallDef,
  ExecutionListenersDef,
  JobDef,
  LoopDef,
  ScriptDef,
  UserTaskDef,
} from './activity-defs.js';
import type { EventTrigger } from './event-trigger.js';
import type { IoMapping } from './expression.js';

export type FlowNodeKind =
  | 'startEvent'
  | 'endEvent'
  | 'intermediateCatchEvent'
  | 'intermediateThrowEvent'
  | 'boundaryEvent'
  | 'task'
  | 'userTask'
  | 'manualTask'
  | 'serviceTask'
  | 'sendTask'
  | 'receiveTask'
  | 'businessRuleTask'
  | 'scriptTask'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'inclusiveGateway'
  | 'eventBasedGateway'
  | 'subProcess'
  | 'eventSubProcess'
  | 'callActivity';

/**
 * A compiled flow node. One flat shape for every kind (the interpreter switches on `kind` in its hot
 * path); the optional parts are present exactly where the kind needs them.
 */
export interface FlowNode {
  readonly id: string;
  readonly name?: string;
  readonly kind: FlowNodeKind;
  /** BPMN type as written, e.g. `bpmn:ServiceTask` (for messages and reports). */
  readonly bpmnType: string;
  /** Id of the container (process or sub-process) this node is drawn in. */
  readonly containerId: string;
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  /** Default outgoing flow id (gateways and activities). */
  readonly defaultFlow?: string;
  readonly inputs?: readonly IoMapping[];
  readonly outputs?: readonly IoMapping[];
  /** Ids of boundary events attached to this activity. */
  readonly boundaryEventIds: readonly string[];
  readonly loop?: LoopDef;

  /** Events: what triggers or is thrown. */
  readonly trigger?: EventTrigger;
  /** Boundary events: the activity they sit on and whether they cancel it. */
  readonly attachedTo?: string;
  /** Boundary events and event sub-process start events (default true). */
  readonly interrupting?: boolean;

  /** Listener jobs run when the element starts / ends (`zeebe:executionListeners`). */
  readonly executionListeners?: ExecutionListenersDef;
  /** Work done by the host (service, send, business-rule, FEEL-less script tasks, message throws). */
  readonly job?: JobDef;
  readonly userTask?: UserTaskDef;
  readonly script?: ScriptDef;
  readonly call?: CallDef;
  /** Business-rule tasks: SafeFlow rule set id (`sf:ruleSet ruleSetId`); evaluated by the host as a job. */
  readonly ruleSetId?: string;
  /** Sub-processes and event sub-processes: the container they open. */
  readonly container?: Container;
  /** SafeFlow extensions (gates etc.), kept verbatim for the host. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** The inside of a process or sub-process. */
export interface Container {
  readonly id: string;
  /** All flow nodes directly inside (not nested deeper), boundary events included. */
  readonly nodeIds: readonly string[];
  /** The none start event, if any (sub-processes have exactly one). */
  readonly noneStartId?: string;
  /** Start events with a trigger (message, timer, signal) — process level only. */
  readonly triggeredStartIds: readonly string[];
  /** Event sub-processes directly inside. */
  readonly eventSubProcessIds: readonly string[];
  /** Link catch events by link name. */
  readonly linkCatches: Readonly<Record<string, string>>;
}
