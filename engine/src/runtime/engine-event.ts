/** Every state change of an instance is one of these, appended to the instance's ordered log. */
export type EngineEventType =
  | 'instance.started'
  | 'instance.completed'
  | 'instance.terminated'
  | 'instance.cancelled'
  | 'element.activating'
  | 'element.activated'
  | 'element.completed'
  | 'element.terminated'
  | 'flow.taken'
  | 'join.fired'
  | 'variables.set'
  | 'loop.updated'
  | 'scope.interrupted'
  | 'joins.cleared'
  | 'task.created'
  | 'task.completed'
  | 'task.cancelled'
  | 'task.assigned'
  | 'job.created'
  | 'job.completed'
  | 'job.failed'
  | 'job.retries-updated'
  | 'job.cancelled'
  | 'timer.scheduled'
  | 'timer.fired'
  | 'timer.cancelled'
  | 'subscription.opened'
  | 'subscription.closed'
  | 'message.correlated'
  | 'signal.received'
  | 'signal.thrown'
  | 'error.thrown'
  | 'escalation.thrown'
  | 'child.requested'
  | 'child.finished'
  | 'incident.raised'
  | 'incident.resolved'
  | 'modify.applied'
  | 'instance.migrated';

export interface EngineEvent {
  /** 1-based position in the instance's log. */
  readonly seq: number;
  readonly instanceId: string;
  readonly type: EngineEventType;
  /** BPMN element the event concerns, if any. */
  readonly elementId?: string;
  /** Element instance ("token") the event concerns, if any. */
  readonly key?: number;
  /** Element instance of the enclosing scope, if any. */
  readonly scopeKey?: number;
  /** Time from the injected clock (ms since epoch). */
  readonly at: number;
  readonly payload: Readonly<Record<string, unknown>>;
}
