import { evalValue, evalString } from './expressions.js';
import { IncidentError } from './incident-error.js';
import type { FlowNode } from '../model/flow-node.js';
import type { ElementInstance, Vars } from './instance-state.js';
import { startLoop } from './loops.js';
import type { Run } from './run.js';
import { setPath } from './set-path.js';
import { openBoundaryEvents, openEventSubProcesses, openTrigger, throwEvent } from './triggers.js';
import { createJob, createUserTask } from './work-items.js';

/**
 * Runs an element's behaviour once its instance exists: input mappings, boundary events, then
 * what the kind does (wait for a task, a job, a message or a timer; pass through; open a scope).
 * A failure raises an incident; resolving it runs this again.
 */
export function enterElement(run: Run, key: number, triggered?: Vars): void {
  const el = run.el(key);
  if (!el) return;
  const node = run.node(el.elementId);
  try {
    if (el.role === 'miBody' || el.role === 'loopBody') {
      startLoop(run, node, key);
      return;
    }
    if (node.inputs && node.inputs.length > 0) {
      const visible = run.visibleVars(key);
      const local: Vars = {};
      for (const m of node.inputs) {
        setPath(
          local,
          m.target,
          evalValue(
            m.source,
            { ...visible, ...local },
            `input mapping '${m.target}' of '${node.id}'`,
            run.ctx.now,
          ),
        );
      }
      run.setLocalVars(key, local);
    }
    if (el.role !== 'inner' && node.loop === undefined && node.boundaryEventIds.length > 0) {
      if (!openBoundaryEvents(run, node, key)) return;
    }
    if (!triggered && node.executionListeners && node.executionListeners.start.length > 0) {
      createJob(run, node, key, { event: 'start', index: 0 });
      return;
    }
    behave(run, node, el, triggered);
  } catch (e) {
    if (e instanceof IncidentError) run.raiseIncident(e, el, { op: 'enter', key });
    else throw e;
  }
}

/**
 * What the element does once its start listeners (if any) have run. Exported for the listener
 * completion path; failures raise an incident that re-enters the element.
 */
export function runBehaviour(run: Run, key: number): void {
  const el = run.el(key);
  if (!el) return;
  try {
    behave(run, run.node(el.elementId), el, undefined);
  } catch (e) {
    if (e instanceof IncidentError) run.raiseIncident(e, el, { op: 'enter', key });
    else throw e;
  }
}

function behave(run: Run, node: FlowNode, el: ElementInstance, triggered: Vars | undefined): void {
  const key = el.key;
  switch (node.kind) {
    case 'startEvent':
    case 'boundaryEvent':
    case 'task':
    case 'manualTask':
    case 'exclusiveGateway':
    case 'parallelGateway':
    case 'inclusiveGateway':
      run.enqueue({ op: 'complete', key, ...(triggered ? { vars: triggered } : {}) });
      return;
    case 'intermediateCatchEvent':
      if (
        triggered ||
        !node.trigger ||
        node.trigger.type === 'none' ||
        node.trigger.type === 'link'
      ) {
        run.enqueue({ op: 'complete', key, ...(triggered ? { vars: triggered } : {}) });
      } else {
        openTrigger(run, node, key, 'catch', key);
      }
      return;
    case 'receiveTask':
      if (triggered) run.enqueue({ op: 'complete', key, vars: triggered });
      else openTrigger(run, node, key, 'catch', key);
      return;
    case 'intermediateThrowEvent':
    case 'endEvent':
      if (node.job) createJob(run, node, key);
      else throwEvent(run, node, key);
      return;
    case 'userTask':
      createUserTask(run, node, key);
      return;
    case 'serviceTask':
    case 'sendTask':
    case 'businessRuleTask':
      createJob(run, node, key);
      return;
    case 'scriptTask':
      if (node.job || !node.script) {
        createJob(run, node, key);
      } else {
        const value = evalValue(
          node.script.expression,
          run.visibleVars(key),
          `script of '${node.id}'`,
          run.ctx.now,
        );
        const rv = node.script.resultVariable;
        run.enqueue({ op: 'complete', key, ...(rv ? { vars: { [rv]: value } } : {}) });
      }
      return;
    case 'eventBasedGateway':
      for (const flowId of node.outgoing) {
        const target = run.node(run.model.flows.get(flowId)!.targetId);
        openTrigger(run, target, key, 'eventGateway', key);
      }
      return;
    case 'subProcess': {
      const container = node.container!;
      openEventSubProcesses(run, container, key);
      if (!container.noneStartId) {
        throw new IncidentError(
          'NO_START_EVENT',
          `sub-process '${node.id}' has no none start event`,
        );
      }
      run.enqueue({ op: 'activate', elementId: container.noneStartId, scopeKey: key });
      return;
    }
    case 'eventSubProcess': {
      openEventSubProcesses(run, node.container!, key);
      run.enqueue({
        op: 'activate',
        elementId: el.startEventId!,
        scopeKey: key,
        triggered: triggered ?? {},
      });
      return;
    }
    case 'callActivity': {
      const call = node.call!;
      const processId = evalString(
        call.processId,
        run.visibleVars(key),
        `called process of '${node.id}'`,
        run.ctx.now,
      );
      const variables = call.propagateAllParentVariables
        ? run.visibleVars(key)
        : { ...(el.vars ?? {}) };
      const childInstanceId = run.ctx.newInstanceId();
      run.emit('child.requested', { elementId: node.id, key }, { childInstanceId, processId });
      run.effects.push({
        type: 'startChild',
        parentInstanceId: run.state.id,
        parentKey: key,
        childInstanceId,
        processId,
        bindingType: call.bindingType,
        ...(call.versionTag ? { versionTag: call.versionTag } : {}),
        parentProcessKey: run.state.processKey,
        variables,
      });
      return;
    }
  }
}
