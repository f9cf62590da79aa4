import type { FlowNode } from '../model/flow-node.js';
import type { ProcessModel } from '../model/process-model.js';
import { applyEvent } from './apply-event.js';
import type { Effect } from './effects.js';
import type { EngineEvent, EngineEventType } from './engine-event.js';
import { IncidentError } from './incident-error.js';
import type { ElementInstance, InstanceState, RetryStep, Vars } from './instance-state.js';
import type { Step } from './step.js';
import { runStep } from './run-step.js';
import { fireReadyInclusiveJoins } from './flows.js';
import { checkScopeCompletion } from './scope-completion.js';

export interface RunContext {
  /** Time of the command, from the injected clock. */
  readonly now: number;
  /** New ids for child instances (call activities). */
  readonly newInstanceId: () => string;
}

/**
 * One command's execution on one instance. Every change goes through `emit`, which appends an
 * event and folds it into the state at once, so the logic always reads the current state and the
 * log alone can rebuild it. Follow-up work is a FIFO queue of steps: a signal or escalation
 * thrown by a step is delivered (queued) before the thrower's own completion, as BPMN requires.
 */
export class Run {
  readonly events: EngineEvent[] = [];
  readonly effects: Effect[] = [];
  private readonly queue: Step[] = [];
  private head = 0;
  /** Scopes to check for completion once the queue is empty. */
  readonly scopeChecks = new Set<number>();

  constructor(
    readonly state: InstanceState,
    readonly model: ProcessModel,
    readonly ctx: RunContext,
  ) {}

  emit(
    type: EngineEventType,
    fields: { elementId?: string; key?: number; scopeKey?: number },
    payload: Record<string, unknown> = {},
  ): EngineEvent {
    const event: EngineEvent = {
      seq: this.state.seq + 1,
      instanceId: this.state.id,
      type,
      ...fields,
      at: this.ctx.now,
      payload,
    };
    applyEvent(this.state, event);
    this.events.push(event);
    return event;
  }

  enqueue(step: Step): void {
    this.queue.push(step);
  }

  /**
   * Runs queued steps until none is left. Scope completion and inclusive joins are decided only
   * at quiescence: a scope whose last child just completed may still have a token in flight in the
   * queue, and an inclusive join must see every token that can still arrive.
   */
  drain(): void {
    for (;;) {
      while (this.head < this.queue.length) {
        const step = this.queue[this.head++]!;
        runStep(this, step);
      }
      this.queue.length = 0;
      this.head = 0;
      if (fireReadyInclusiveJoins(this)) continue;
      if (this.scopeChecks.size > 0) {
        const keys = [...this.scopeChecks];
        this.scopeChecks.clear();
        for (const key of keys) checkScopeCompletion(this, key);
        continue;
      }
      return;
    }
  }

  node(elementId: string): FlowNode {
    const node = this.model.nodes.get(elementId);
    if (!node) throw new Error(`element '${elementId}' is not in process '${this.model.id}'`);
    return node;
  }

  el(key: number): ElementInstance | undefined {
    return this.state.elements[key];
  }

  newKey(): number {
    return this.state.nextKey;
  }

  /** Variables visible at an element instance: its own, then each enclosing scope's. */
  visibleVars(key: number | undefined): Vars {
    const chain: Vars[] = [];
    let k = key;
    while (k !== undefined) {
      const el = this.state.elements[k];
      if (!el) break;
      if (el.vars) chain.push(el.vars);
      k = el.scopeKey;
    }
    if (chain.length === 1) return { ...chain[0] };
    const out: Vars = {};
    for (let i = chain.length - 1; i >= 0; i--) Object.assign(out, chain[i]);
    return out;
  }

  /**
   * Sets variables the way Camunda 8 propagates them: each one goes to the nearest scope, from
   * `fromKey` upwards, that already has it; otherwise to the process instance (root) scope.
   */
  propagateVars(fromKey: number | undefined, vars: Vars): void {
    const byScope = new Map<number, Vars>();
    for (const name of Object.keys(vars)) {
      let target = this.state.rootKey;
      let k = fromKey;
      while (k !== undefined) {
        const el = this.state.elements[k];
        if (!el) break;
        if (el.vars && Object.prototype.hasOwnProperty.call(el.vars, name)) {
          target = k;
          break;
        }
        k = el.scopeKey;
      }
      let bucket = byScope.get(target);
      if (!bucket) byScope.set(target, (bucket = {}));
      bucket[name] = vars[name];
    }
    for (const [key, variables] of byScope) {
      const el = this.state.elements[key];
      this.emit(
        'variables.set',
        { key, ...(el ? { elementId: el.elementId } : {}) },
        { variables },
      );
    }
  }

  setLocalVars(key: number, vars: Vars): void {
    if (Object.keys(vars).length === 0) return;
    const el = this.state.elements[key];
    this.emit(
      'variables.set',
      { key, ...(el ? { elementId: el.elementId } : {}) },
      { variables: vars },
    );
  }

  /** Live element instances directly inside a scope. */
  childrenOf(scopeKey: number): ElementInstance[] {
    const out: ElementInstance[] = [];
    for (const k in this.state.elements) {
      const el = this.state.elements[k]!;
      if (el.scopeKey === scopeKey) out.push(el);
    }
    return out;
  }

  /** Closes the subscriptions and timers an element instance owns (boundary events, waits). */
  closeOwned(key: number, onlyKind?: string): void {
    for (const id in this.state.subscriptions) {
      const s = this.state.subscriptions[id]!;
      if (s.ownerKey === key && (!onlyKind || s.kind === onlyKind)) {
        this.emit('subscription.closed', { elementId: s.targetId, key }, { subscriptionId: id });
      }
    }
    for (const id in this.state.timers) {
      const t = this.state.timers[id]!;
      if (t.ownerKey === key && (!onlyKind || t.kind === onlyKind)) {
        this.emit('timer.cancelled', { elementId: t.targetId, key }, { timerId: id });
      }
    }
  }

  /** Terminates an element instance and everything inside it (children first). */
  terminate(key: number): void {
    const el = this.state.elements[key];
    if (!el) return;
    if (el.children > 0) for (const child of this.childrenOf(key)) this.terminate(child.key);
    this.closeOwned(key);
    for (const id in this.state.tasks) {
      if (this.state.tasks[id]!.key === key) {
        this.emit('task.cancelled', { elementId: el.elementId, key }, { taskId: id });
      }
    }
    for (const id in this.state.jobs) {
      if (this.state.jobs[id]!.elementKey === key) {
        this.emit('job.cancelled', { elementId: el.elementId, key }, { jobKey: id });
      }
    }
    for (const id in this.state.incidents) {
      if (this.state.incidents[id]!.key === key) {
        this.emit(
          'incident.resolved',
          { elementId: el.elementId, key },
          { incidentId: id, reason: 'element terminated' },
        );
      }
    }
    if (el.childInstanceId)
      this.effects.push({ type: 'cancelChild', childInstanceId: el.childInstanceId });
    this.emit('element.terminated', {
      elementId: el.elementId,
      key,
      ...(el.scopeKey !== undefined ? { scopeKey: el.scopeKey } : {}),
    });
  }

  raiseIncident(
    err: IncidentError,
    el: ElementInstance | undefined,
    retry: RetryStep,
    jobKey?: string,
  ): void {
    const id = `${this.state.id}.inc${this.state.seq + 1}`;
    this.emit(
      'incident.raised',
      { ...(el ? { elementId: el.elementId, key: el.key } : {}) },
      {
        incident: {
          id,
          type: err.incidentType,
          message: err.message,
          ...(el ? { elementId: el.elementId, key: el.key } : {}),
          ...(jobKey ? { jobKey } : {}),
          retry,
          createdAt: this.ctx.now,
        },
      },
    );
  }
}
