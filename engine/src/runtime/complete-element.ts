import type { FlowNode } from '../model/flow-node.js';
import { evalValue } from './expressions.js';
import { IncidentError } from './incident-error.js';
import type { Vars } from './instance-state.js';
import { innerCompleted } from './loops.js';
import type { Run } from './run.js';
import { selectOutgoing, takeFlow } from './flows.js';
import { setPath } from './set-path.js';
import { createJob } from './work-items.js';

/**
 * Completes an element instance: applies the variables it completed with (output mappings, or
 * propagation), chooses the outgoing flows, and moves the token on. If the variables or
 * conditions fail, an incident holds the element where it is.
 */
export function completeElement(run: Run, key: number, vars?: Vars, afterListeners = false): void {
  const el = run.el(key);
  if (!el) return; // terminated while the completion was queued
  const node = run.node(el.elementId);
  const isBody = el.role === 'miBody' || el.role === 'loopBody';
  let flows: string[];
  let innerContext: Vars | undefined;
  let outputValue: unknown;
  const endListeners = isBody ? 0 : (node.executionListeners?.end.length ?? 0);
  try {
    if (afterListeners) {
      // variables were applied before the end listeners ran
    } else if (!isBody && node.outputs && node.outputs.length > 0) {
      const context = { ...run.visibleVars(key), ...(vars ?? {}) };
      const results: Vars = {};
      for (const m of node.outputs) {
        setPath(
          results,
          m.target,
          evalValue(m.source, context, `output mapping '${m.target}' of '${node.id}'`, run.ctx.now),
        );
      }
      run.propagateVars(el.scopeKey, results);
    } else if (vars && Object.keys(vars).length > 0) {
      run.propagateVars(key, vars);
    }
    if (endListeners > 0 && !afterListeners) {
      createJob(run, node, key, { event: 'end', index: 0 });
      return;
    }
    if (el.role === 'inner') {
      innerContext = { ...run.visibleVars(key), ...(vars ?? {}) };
      const loop = node.loop;
      if (loop?.kind === 'multiInstance' && loop.outputElement) {
        outputValue = evalValue(
          loop.outputElement,
          innerContext,
          `output element of '${node.id}'`,
          run.ctx.now,
        );
      }
      flows = [];
    } else {
      flows = selectOutgoing(run, node, key);
    }
  } catch (e) {
    if (!(e instanceof IncidentError)) throw e;
    run.raiseIncident(e, el, { op: 'complete', key });
    return;
  }
  run.closeOwned(key);
  run.emit('element.completed', {
    elementId: el.elementId,
    key,
    ...(el.scopeKey !== undefined ? { scopeKey: el.scopeKey } : {}),
  });
  if (el.role === 'inner') {
    innerCompleted(run, el.scopeKey!, el, innerContext!, outputValue);
    return;
  }
  if (el.scopeKey === undefined) return;
  for (const flowId of flows) takeFlow(run, flowId, el.scopeKey);
  if (flows.length === 0) run.scopeChecks.add(el.scopeKey);
}

export type { FlowNode };
