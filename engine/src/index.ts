/**
 * @safeflow/engine — BPMN 2.0 compiler and deterministic, event-sourced interpreter.
 * Pure: no I/O, no real time (the clock is injected), no eval of model content.
 */
export { Engine } from './host/engine.js';
export { DeploymentError } from './host/deployment-error.js';
export type * from './host/host-types.js';
export { loadBpmn, type LoadOptions, type LoadResult } from './load-bpmn.js';
export { importBpmn, type ImportOptions, type ImportResult } from './import-bpmn.js';
export type * from './model/index.js';
export type { EngineEvent, EngineEventType } from './runtime/engine-event.js';
export type { TimerStartView } from './host/start-event-registry.js';
export {
  EngineCommandError,
  type EngineError,
  type EngineErrorCode,
} from './runtime/engine-error.js';
export {
  STATE_SCHEMA_VERSION,
  type InstanceState,
  type ElementInstance,
  type TaskState,
  type JobState,
  type TimerState,
  type SubscriptionState,
  type IncidentState,
} from './runtime/instance-state.js';
export { applyEvent } from './runtime/apply-event.js';
export type { Effect } from './runtime/effects.js';
export { RULE_SET_JOB_TYPE, DECISION_JOB_TYPE } from './runtime/work-items.js';
