import type { Container, FlowNode } from '../model/flow-node.js';
import { evalString, evalValue } from './expressions.js';
import { IncidentError } from './incident-error.js';
import type { SubscriptionState, TriggerKind, Vars } from './instance-state.js';
import type { Run } from './run.js';
import type { Step } from './step.js';
import { scheduleTimer } from './timer-schedule.js';

/**
 * Opens what makes an event able to trigger: a message or signal subscription, or a timer.
 * Error and escalation catches need nothing: a throw searches for them.
 */
export function openTrigger(
  run: Run,
  event: FlowNode,
  ownerKey: number,
  kind: TriggerKind,
  varsKey: number,
): void {
  const trigger = event.trigger;
  if (!trigger) return;
  const id = `${ownerKey}:${event.id}`;
  switch (trigger.type) {
    case 'message': {
      const vars = run.visibleVars(varsKey);
      const name = evalString(trigger.name, vars, `message name of '${event.id}'`, run.ctx.now);
      const subscription: SubscriptionState = {
        id,
        ownerKey,
        kind,
        targetId: event.id,
        channel: 'message',
        name,
      };
      if (trigger.correlationKey) {
        subscription.correlationKey = evalString(
          trigger.correlationKey,
          vars,
          `correlation key of '${event.id}'`,
          run.ctx.now,
        );
      }
      run.emit('subscription.opened', { elementId: event.id, key: ownerKey }, { subscription });
      return;
    }
    case 'signal': {
      const name = evalString(
        trigger.name,
        run.visibleVars(varsKey),
        `signal name of '${event.id}'`,
        run.ctx.now,
      );
      const subscription: SubscriptionState = {
        id,
        ownerKey,
        kind,
        targetId: event.id,
        channel: 'signal',
        name,
      };
      run.emit('subscription.opened', { elementId: event.id, key: ownerKey }, { subscription });
      return;
    }
    case 'timer': {
      const value = evalValue(
        trigger.timer.expr,
        run.visibleVars(varsKey),
        `timer of '${event.id}'`,
        run.ctx.now,
      );
      const repeats =
        (kind === 'boundary' || kind === 'eventSubProcess') && event.interrupting === false;
      const s = scheduleTimer(trigger.timer, value, run.ctx.now, event.id);
      const timer = {
        id,
        ownerKey,
        kind,
        targetId: event.id,
        dueAt: s.dueAt,
        ...(repeats && s.cycle ? { cycle: s.cycle } : {}),
      };
      run.emit('timer.scheduled', { elementId: event.id, key: ownerKey }, { timer });
      return;
    }
    default:
      return;
  }
}

/** Opens the boundary events of an activity instance. Returns false if an incident stopped it. */
export function openBoundaryEvents(run: Run, node: FlowNode, key: number): boolean {
  try {
    for (const id of node.boundaryEventIds) openTrigger(run, run.node(id), key, 'boundary', key);
    return true;
  } catch (e) {
    if (!(e instanceof IncidentError)) throw e;
    run.raiseIncident(e, run.el(key), { op: 'enter', key });
    return false;
  }
}

/** Start events of the event sub-processes of a scope (message, timer, signal) start listening. */
export function openEventSubProcesses(run: Run, container: Container, scopeKey: number): void {
  for (const espId of container.eventSubProcessIds) {
    const esp = run.node(espId);
    for (const startId of esp.container!.nodeIds) {
      const start = run.node(startId);
      if (start.kind === 'startEvent')
        openTrigger(run, start, scopeKey, 'eventSubProcess', scopeKey);
    }
  }
}

/** Queues the effect of a subscription or timer that triggered. */
export function queueTrigger(
  run: Run,
  kind: TriggerKind,
  ownerKey: number,
  targetId: string,
  vars: Vars,
): void {
  run.enqueue({ op: 'trigger', kind, ownerKey, targetId, vars });
}

export function handleTrigger(run: Run, step: Extract<Step, { op: 'trigger' }>): void {
  const owner = run.el(step.ownerKey);
  if (!owner) return; // already gone (e.g. interrupted earlier in this command)
  switch (step.kind) {
    case 'catch':
      run.enqueue({ op: 'complete', key: owner.key, vars: step.vars });
      return;
    case 'eventGateway': {
      run.closeOwned(owner.key);
      const gateway = run.node(owner.elementId);
      run.emit('element.completed', {
        elementId: owner.elementId,
        key: owner.key,
        ...(owner.scopeKey !== undefined ? { scopeKey: owner.scopeKey } : {}),
      });
      const flowId = gateway.outgoing.find(
        (f) => run.model.flows.get(f)!.targetId === step.targetId,
      )!;
      run.emit(
        'flow.taken',
        { elementId: flowId, scopeKey: owner.scopeKey! },
        { flowId, targetId: step.targetId },
      );
      run.enqueue({
        op: 'activate',
        elementId: step.targetId,
        scopeKey: owner.scopeKey!,
        triggered: step.vars,
      });
      return;
    }
    case 'boundary': {
      const boundary = run.node(step.targetId);
      if (boundary.interrupting !== false) run.terminate(owner.key);
      run.enqueue({
        op: 'activate',
        elementId: boundary.id,
        scopeKey: owner.scopeKey!,
        triggered: step.vars,
      });
      return;
    }
    case 'eventSubProcess': {
      const start = run.node(step.targetId);
      if (start.interrupting !== false) interruptScope(run, owner.key);
      run.enqueue({
        op: 'activate',
        elementId: start.containerId,
        scopeKey: owner.key,
        startEventId: start.id,
        triggered: step.vars,
      });
      return;
    }
  }
}

/** An interrupting event sub-process cancels everything else in its scope. */
function interruptScope(run: Run, scopeKey: number): void {
  run.closeOwned(scopeKey, 'eventSubProcess');
  for (const child of run.childrenOf(scopeKey)) run.terminate(child.key);
  if (run.state.joins[scopeKey]) run.emit('joins.cleared', { key: scopeKey });
  run.emit('scope.interrupted', { key: scopeKey, elementId: run.el(scopeKey)!.elementId });
}

/** Throw and end events that are not jobs. */
export function throwEvent(run: Run, node: FlowNode, key: number): void {
  const el = run.el(key)!;
  const trigger = node.trigger ?? { type: 'none' as const };
  switch (trigger.type) {
    case 'signal': {
      const name = evalString(
        trigger.name,
        run.visibleVars(key),
        `signal name of '${node.id}'`,
        run.ctx.now,
      );
      throwSignal(run, name, { ...(el.vars ?? {}) }, node.id, key);
      run.enqueue({ op: 'complete', key });
      return;
    }
    case 'escalation':
      throwEscalation(run, key, trigger.escalationCode ?? '', {});
      run.enqueue({ op: 'complete', key });
      return;
    case 'error':
      throwError(run, key, trigger.errorCode ?? '', undefined, {});
      return;
    case 'terminate': {
      const scopeKey = el.scopeKey!;
      for (const child of run.childrenOf(scopeKey)) if (child.key !== key) run.terminate(child.key);
      if (run.state.joins[scopeKey]) run.emit('joins.cleared', { key: scopeKey });
      run.enqueue({ op: 'complete', key });
      return;
    }
    case 'link': {
      const container =
        node.containerId === run.model.id
          ? run.model.root
          : run.model.containers.get(node.containerId)!;
      const catchId = container.linkCatches[trigger.linkName];
      if (!catchId)
        throw new IncidentError(
          'LINK_NOT_FOUND',
          `no link catch event named '${trigger.linkName}' for '${node.id}'`,
        );
      run.enqueue({ op: 'complete', key });
      run.enqueue({ op: 'activate', elementId: catchId, scopeKey: el.scopeKey! });
      return;
    }
    default:
      run.enqueue({ op: 'complete', key });
      return;
  }
}

/** Broadcast: this instance's catchers first (before the thrower goes on), other instances via the host. */
export function throwSignal(
  run: Run,
  name: string,
  vars: Vars,
  elementId: string,
  key: number,
): void {
  run.emit('signal.thrown', { elementId, key }, { name });
  deliverSignal(run, name, vars);
  run.effects.push({ type: 'signal', name, variables: vars, originInstanceId: run.state.id });
}

export function deliverSignal(run: Run, name: string, vars: Vars): number {
  let n = 0;
  for (const id in run.state.subscriptions) {
    const s = run.state.subscriptions[id]!;
    if (s.channel === 'signal' && s.name === name) {
      run.emit(
        'signal.received',
        { elementId: s.targetId, key: s.ownerKey },
        { name, subscriptionId: id },
      );
      queueTrigger(run, s.kind, s.ownerKey, s.targetId, vars);
      n++;
    }
  }
  return n;
}

/**
 * Finds the catch for an error or escalation thrown at element instance `fromKey`: walking out from
 * the thrower, in each scope first its event sub-processes, then the boundary events on it. Returns
 * whether one caught it; the catch is queued so it runs before the thrower's own follow-up.
 */
function findCatch(
  run: Run,
  fromKey: number,
  type: 'error' | 'escalation',
  code: string,
  vars: Vars,
): boolean {
  let key: number | undefined = fromKey;
  while (key !== undefined) {
    const el = run.el(key);
    if (!el) return false;
    const isRoot = key === run.state.rootKey;
    const node = isRoot ? undefined : run.node(el.elementId);
    if (key !== fromKey) {
      const container = isRoot
        ? run.model.root
        : el.role !== 'miBody' && el.role !== 'loopBody'
          ? node!.container
          : undefined;
      if (container) {
        const start = matchEventSubProcess(run, container, type, code);
        if (start) {
          queueTrigger(run, 'eventSubProcess', key, start.id, vars);
          return true;
        }
      }
    }
    if (node && el.role !== 'inner' && node.boundaryEventIds.length > 0) {
      const boundary = matchCode(
        node.boundaryEventIds.map((id) => run.node(id)),
        type,
        code,
      );
      if (boundary) {
        queueTrigger(run, 'boundary', key, boundary.id, vars);
        return true;
      }
    }
    key = el.scopeKey;
  }
  return false;
}

function matchEventSubProcess(
  run: Run,
  container: Container,
  type: string,
  code: string,
): FlowNode | undefined {
  const starts: FlowNode[] = [];
  for (const espId of container.eventSubProcessIds) {
    for (const id of run.node(espId).container!.nodeIds) {
      const n = run.node(id);
      if (n.kind === 'startEvent') starts.push(n);
    }
  }
  return matchCode(starts, type, code);
}

/** A catch naming the exact code wins over a catch-all. */
function matchCode(events: FlowNode[], type: string, code: string): FlowNode | undefined {
  let catchAll: FlowNode | undefined;
  for (const e of events) {
    const t = e.trigger;
    if (!t || t.type !== type) continue;
    const c =
      t.type === 'error' ? t.errorCode : t.type === 'escalation' ? t.escalationCode : undefined;
    if (c === undefined || c === '') catchAll ??= e;
    else if (c === code) return e;
  }
  return catchAll;
}

export function throwError(
  run: Run,
  fromKey: number,
  code: string,
  message: string | undefined,
  vars: Vars,
): void {
  const el = run.el(fromKey)!;
  run.emit(
    'error.thrown',
    { elementId: el.elementId, key: fromKey },
    { errorCode: code, ...(message ? { message } : {}) },
  );
  if (findCatch(run, fromKey, 'error', code, vars)) return;
  if (run.state.parent) {
    run.effects.push({
      type: 'childThrew',
      parentInstanceId: run.state.parent.instanceId,
      parentKey: run.state.parent.key,
      childInstanceId: run.state.id,
      kind: 'error',
      code,
      ...(message ? { message } : {}),
      variables: vars,
    });
    return;
  }
  run.raiseIncident(
    new IncidentError(
      'UNHANDLED_ERROR_EVENT',
      `error '${code}' thrown at '${el.elementId}' was not caught${message ? `: ${message}` : ''}`,
    ),
    el,
    { op: 'none' },
  );
}

export function throwEscalation(run: Run, fromKey: number, code: string, vars: Vars): void {
  const el = run.el(fromKey)!;
  run.emit(
    'escalation.thrown',
    { elementId: el.elementId, key: fromKey },
    { escalationCode: code },
  );
  if (findCatch(run, fromKey, 'escalation', code, vars)) return;
  if (run.state.parent) {
    run.effects.push({
      type: 'childThrew',
      parentInstanceId: run.state.parent.instanceId,
      parentKey: run.state.parent.key,
      childInstanceId: run.state.id,
      kind: 'escalation',
      code,
      variables: vars,
    });
  }
}
