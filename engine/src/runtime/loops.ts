import type { FlowNode } from '../model/flow-node.js';
import { evalCondition, evalList, evalValue } from './expressions.js';
import { IncidentError } from './incident-error.js';
import type { ElementInstance, LoopState, Vars } from './instance-state.js';
import type { Run } from './run.js';

/**
 * Multi-instance and standard loops. The body element instance carries the bookkeeping; each
 * execution is an inner instance of the same element with its own local variables.
 */
export function startLoop(run: Run, node: FlowNode, bodyKey: number): void {
  const loop = node.loop!;
  const vars = run.visibleVars(bodyKey);
  if (loop.kind === 'multiInstance') {
    let items: unknown[];
    if (loop.inputCollection) {
      items = evalList(loop.inputCollection, vars, `input collection of '${node.id}'`, run.ctx.now);
    } else if (loop.cardinality) {
      const n = Number(
        evalValue(loop.cardinality, vars, `loop cardinality of '${node.id}'`, run.ctx.now),
      );
      if (!Number.isInteger(n) || n < 0) {
        throw new IncidentError(
          'EXTRACT_VALUE_ERROR',
          `loop cardinality of '${node.id}' must be a whole number ≥ 0`,
        );
      }
      items = Array.from({ length: n }, (_, i) => i + 1);
    } else {
      throw new IncidentError(
        'EXTRACT_VALUE_ERROR',
        `multi-instance '${node.id}' has no input collection`,
      );
    }
    const total = items.length;
    const state: LoopState = { started: 0, completed: 0, total };
    if (loop.outputCollection) state.outputs = new Array(total).fill(null);
    if (total === 0) {
      run.emit('loop.updated', { elementId: node.id, key: bodyKey }, { loop: state });
      run.enqueue({ op: 'complete', key: bodyKey, vars: outputVars(node, state) });
      return;
    }
    if (loop.sequential) {
      state.started = 1;
      state.items = items;
      run.emit('loop.updated', { elementId: node.id, key: bodyKey }, { loop: state });
      activateInner(run, node, bodyKey, 0, items[0]);
    } else {
      state.started = total;
      run.emit('loop.updated', { elementId: node.id, key: bodyKey }, { loop: state });
      for (let i = 0; i < total; i++) activateInner(run, node, bodyKey, i, items[i]);
    }
    return;
  }
  // Standard loop: do-while unless testBefore; loops while the condition is true.
  const state: LoopState = { started: 0, completed: 0 };
  const runFirst =
    loop.maximum !== 0 &&
    (!loop.testBefore ||
      !loop.condition ||
      evalCondition(loop.condition, vars, `loop condition of '${node.id}'`, run.ctx.now));
  if (!runFirst) {
    run.emit('loop.updated', { elementId: node.id, key: bodyKey }, { loop: state });
    run.enqueue({ op: 'complete', key: bodyKey });
    return;
  }
  state.started = 1;
  run.emit('loop.updated', { elementId: node.id, key: bodyKey }, { loop: state });
  activateInner(run, node, bodyKey, 0, undefined);
}

function activateInner(
  run: Run,
  node: FlowNode,
  bodyKey: number,
  index: number,
  item: unknown,
): void {
  const vars: Vars = { loopCounter: index + 1 };
  const loop = node.loop!;
  if (loop.kind === 'multiInstance' && loop.inputElement) vars[loop.inputElement] = item ?? null;
  run.enqueue({ op: 'activate', elementId: node.id, scopeKey: bodyKey, role: 'inner', vars });
}

function outputVars(node: FlowNode, state: LoopState): Vars | undefined {
  const loop = node.loop!;
  if (loop.kind !== 'multiInstance' || !loop.outputCollection) return undefined;
  return { [loop.outputCollection]: state.outputs ?? [] };
}

/** An inner instance completed: collect its output, then start the next one or finish the body. */
export function innerCompleted(
  run: Run,
  bodyKey: number,
  inner: ElementInstance,
  innerVars: Vars,
  output: unknown,
): void {
  const body = run.el(bodyKey);
  if (!body?.loop) return;
  const node = run.node(body.elementId);
  const loop = node.loop!;
  const state: LoopState = { ...body.loop };
  if (state.outputs) state.outputs = [...state.outputs];
  state.completed++;
  const index = Number(inner.vars?.loopCounter ?? state.completed) - 1;
  try {
    if (loop.kind === 'multiInstance') {
      if (state.outputs) state.outputs[index] = output ?? null;
      const total = state.total ?? 0;
      let done = state.completed >= total;
      if (!done && loop.completionCondition) {
        const context: Vars = {
          ...innerVars,
          numberOfInstances: total,
          numberOfCompletedInstances: state.completed,
          numberOfActiveInstances: state.started - state.completed,
          ...(loop.outputCollection ? { [loop.outputCollection]: state.outputs } : {}),
        };
        done = evalCondition(
          loop.completionCondition,
          context,
          `completion condition of '${node.id}'`,
          run.ctx.now,
        );
      }
      if (!done && loop.sequential && state.started < total) {
        const next = state.started;
        state.started++;
        run.emit('loop.updated', { elementId: node.id, key: bodyKey }, { loop: state });
        activateInner(run, node, bodyKey, next, state.items?.[next]);
        return;
      }
      run.emit('loop.updated', { elementId: node.id, key: bodyKey }, { loop: state });
      if (done) {
        for (const child of run.childrenOf(bodyKey)) run.terminate(child.key);
        run.enqueue({ op: 'complete', key: bodyKey, vars: outputVars(node, state) });
      }
      return;
    }
    let again = false;
    if (loop.maximum === undefined || state.completed < loop.maximum) {
      again = loop.condition
        ? evalCondition(loop.condition, innerVars, `loop condition of '${node.id}'`, run.ctx.now)
        : loop.maximum !== undefined;
    }
    if (again) {
      state.started++;
      run.emit('loop.updated', { elementId: node.id, key: bodyKey }, { loop: state });
      activateInner(run, node, bodyKey, state.completed, undefined);
      return;
    }
    run.emit('loop.updated', { elementId: node.id, key: bodyKey }, { loop: state });
    run.enqueue({ op: 'complete', key: bodyKey });
  } catch (e) {
    if (!(e instanceof IncidentError)) throw e;
    run.emit('loop.updated', { elementId: node.id, key: bodyKey }, { loop: state });
    run.raiseIncident(e, body, { op: 'none' });
  }
}
