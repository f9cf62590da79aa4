export type { Expr, IoMapping } from './expression.js';
export type { EventTrigger, EventTriggerType, TimerDef } from './event-trigger.js';
export type {
  CallDef,
  ExecutionListenersDef,
  JobDef,
  LoopDef,
  ScriptDef,
  UserTaskDef,
} from './activity-defs.js';
export type { Container, FlowNode, FlowNodeKind } from './flow-node.js';
export type {
  CompiledDefinitions,
  ProcessModel,
  SequenceFlow,
  UnsupportedElement,
} from './process-model.js';
export type { Problem } from './problem.js';
