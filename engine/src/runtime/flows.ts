import type { FlowNode } from '../model/flow-node.js';
import type { ProcessModel } from '../model/process-model.js';
import { evalCondition } from './expressions.js';
import { IncidentError } from './incident-error.js';
import type { Run } from './run.js';

/**
 * Which outgoing flows a completing element takes:
 * - exclusive gateway: the first true condition in document order, else the default;
 * - inclusive gateway: every true condition, else the default;
 * - parallel gateway: all (BPMN ignores conditions there);
 * - any other element: unconditional flows always, conditional ones when true, and the default
 *   when no *conditional* flow fired.
 * Nothing to take where there are flows is an incident, as in Camunda 8.
 */
export function selectOutgoing(run: Run, node: FlowNode, key: number): string[] {
  const out = node.outgoing;
  if (out.length === 0) return [];
  if (node.kind === 'parallelGateway') return [...out];
  if (out.length === 1 && node.kind !== 'exclusiveGateway' && node.kind !== 'inclusiveGateway') {
    const only = run.model.flows.get(out[0]!)!;
    if (!only.condition) return [only.id];
  }
  let vars: Record<string, unknown> | undefined;
  const test = (flowId: string): boolean => {
    const flow = run.model.flows.get(flowId)!;
    if (!flow.condition) return true;
    vars ??= run.visibleVars(key);
    return evalCondition(flow.condition, vars, `condition of flow '${flowId}'`, run.ctx.now);
  };
  const taken: string[] = [];
  if (node.kind === 'exclusiveGateway') {
    for (const f of out) {
      if (f === node.defaultFlow) continue;
      if (test(f)) return [f];
    }
  } else if (node.kind === 'inclusiveGateway') {
    for (const f of out) if (f !== node.defaultFlow && test(f)) taken.push(f);
  } else {
    let conditionalFired = false;
    for (const f of out) {
      if (f === node.defaultFlow) continue;
      const conditional = run.model.flows.get(f)!.condition !== undefined;
      if (test(f)) {
        taken.push(f);
        if (conditional) conditionalFired = true;
      }
    }
    if (!conditionalFired && node.defaultFlow) taken.push(node.defaultFlow);
    if (taken.length > 0) return taken;
  }
  if (taken.length > 0) return taken;
  if (node.defaultFlow) return [node.defaultFlow];
  throw new IncidentError(
    'CONDITION_ERROR',
    `no outgoing sequence flow of '${node.id}' has a true condition and there is no default flow`,
  );
}

function isJoin(node: FlowNode): boolean {
  return (
    (node.kind === 'parallelGateway' || node.kind === 'inclusiveGateway') &&
    node.incoming.length > 1
  );
}

/** Moves a token along a flow: joins collect it, anything else is activated. */
export function takeFlow(run: Run, flowId: string, scopeKey: number): void {
  const flow = run.model.flows.get(flowId)!;
  const target = run.node(flow.targetId);
  const join = isJoin(target);
  run.emit(
    'flow.taken',
    { elementId: flowId, scopeKey },
    join ? { flowId, targetId: target.id, join: true } : { flowId, targetId: target.id },
  );
  if (!join) {
    run.enqueue({ op: 'activate', elementId: target.id, scopeKey });
    return;
  }
  if (target.kind === 'parallelGateway') {
    const arrived = run.state.joins[scopeKey]?.[target.id];
    if (arrived && target.incoming.every((f) => (arrived[f] ?? 0) > 0)) {
      run.emit('join.fired', { elementId: target.id, scopeKey }, { flows: [...target.incoming] });
      run.enqueue({ op: 'activate', elementId: target.id, scopeKey });
    }
  }
}

/**
 * Fires every inclusive join whose missing incoming flows can no longer receive a token: no live
 * element instance (or token waiting at another join) in the scope lies upstream of them.
 */
export function fireReadyInclusiveJoins(run: Run): boolean {
  const upstream = inclusiveUpstream(run.model);
  if (upstream.size === 0) return false;
  let fired = false;
  for (const scopeKeyText of Object.keys(run.state.joins)) {
    const scopeKey = Number(scopeKeyText);
    const scopeJoins = run.state.joins[scopeKey];
    if (!scopeJoins) continue;
    for (const gatewayId of Object.keys(scopeJoins)) {
      const perFlow = upstream.get(gatewayId);
      const arrived = scopeJoins[gatewayId];
      if (!perFlow || !arrived) continue;
      const tokens = tokenPositions(run, scopeKey, gatewayId);
      let ready = true;
      for (const flowId of run.node(gatewayId).incoming) {
        if ((arrived[flowId] ?? 0) > 0) continue;
        const before = perFlow.get(flowId)!;
        for (const pos of tokens) {
          if (before.has(pos)) {
            ready = false;
            break;
          }
        }
        if (!ready) break;
      }
      if (!ready) continue;
      const flows = Object.keys(arrived).filter((f) => (arrived[f] ?? 0) > 0);
      run.emit('join.fired', { elementId: gatewayId, scopeKey }, { flows });
      run.enqueue({ op: 'activate', elementId: gatewayId, scopeKey });
      fired = true;
    }
  }
  return fired;
}

function tokenPositions(run: Run, scopeKey: number, exceptGateway: string): string[] {
  const out: string[] = [];
  for (const child of run.childrenOf(scopeKey)) out.push(child.elementId);
  const joins = run.state.joins[scopeKey];
  if (joins) for (const g of Object.keys(joins)) if (g !== exceptGateway) out.push(g);
  return out;
}

const upstreamCache = new WeakMap<ProcessModel, Map<string, Map<string, Set<string>>>>();

/** For each inclusive join and each incoming flow: the elements from which a token can reach it. */
function inclusiveUpstream(model: ProcessModel): Map<string, Map<string, Set<string>>> {
  let cached = upstreamCache.get(model);
  if (cached) return cached;
  cached = new Map();
  for (const node of model.nodes.values()) {
    if (node.kind !== 'inclusiveGateway' || node.incoming.length < 2) continue;
    const perFlow = new Map<string, Set<string>>();
    for (const flowId of node.incoming) {
      const seen = new Set<string>();
      const stack = [model.flows.get(flowId)!.sourceId];
      while (stack.length > 0) {
        const id = stack.pop()!;
        if (id === node.id || seen.has(id)) continue;
        seen.add(id);
        const n = model.nodes.get(id);
        if (!n) continue;
        for (const f of n.incoming) stack.push(model.flows.get(f)!.sourceId);
        if (n.kind === 'boundaryEvent' && n.attachedTo) stack.push(n.attachedTo);
        if (n.kind === 'intermediateCatchEvent' && n.trigger?.type === 'link') {
          for (const other of model.nodes.values()) {
            if (
              other.kind === 'intermediateThrowEvent' &&
              other.trigger?.type === 'link' &&
              other.trigger.linkName === n.trigger.linkName
            ) {
              stack.push(other.id);
            }
          }
        }
      }
      perFlow.set(flowId, seen);
    }
    cached.set(node.id, perFlow);
  }
  upstreamCache.set(model, cached);
  return cached;
}
