import type { FlowNode } from '../model/flow-node.js';
import type { ProcessModel } from '../model/process-model.js';
import { describe, type Finding, type ProcessRule } from './rule-types.js';

const GATEWAYS: ReadonlySet<string> = new Set([
  'exclusiveGateway',
  'inclusiveGateway',
  'parallelGateway',
  'eventBasedGateway',
]);

/** An executable process needs a way to start: at least one start event at its top level. */
export const checkStartEvent: ProcessRule = ({ process }) => {
  const hasStart = process.root.nodeIds.some((id) => process.nodes.get(id)?.kind === 'startEvent');
  return hasStart
    ? []
    : [
        {
          code: 'no-start-event',
          message: `Process ${process.id} has no start event, so it can never be started`,
          elementId: process.id,
        },
      ];
};

/**
 * Gateways must lead somewhere; a deciding gateway with several outgoing flows needs a condition
 * on every flow but the default (otherwise the choice depends on flow order); an event-based
 * gateway may only lead to catch events and receive tasks.
 */
export const checkGateways: ProcessRule = ({ process }) => {
  const findings: Finding[] = [];
  for (const node of process.nodes.values()) {
    if (!GATEWAYS.has(node.kind)) continue;
    if (node.outgoing.length === 0) {
      findings.push({
        code: 'gateway-no-outgoing',
        message: `${describe(node)} has no outgoing sequence flow`,
        elementId: node.id,
      });
      continue;
    }
    if (
      (node.kind === 'exclusiveGateway' || node.kind === 'inclusiveGateway') &&
      node.outgoing.length > 1
    ) {
      for (const flowId of node.outgoing) {
        const flow = process.flows.get(flowId);
        if (flow === undefined || flow.condition !== undefined || flow.isDefault) continue;
        findings.push({
          code: 'missing-condition',
          message: `Sequence flow ${flowId} leaves ${describe(node)} without a condition and is not its default flow`,
          elementId: flowId,
        });
      }
    }
    if (node.kind === 'eventBasedGateway') findings.push(...eventGatewayTargets(node, process));
  }
  return findings;
};

function eventGatewayTargets(gateway: FlowNode, process: ProcessModel): Finding[] {
  const findings: Finding[] = [];
  for (const flowId of gateway.outgoing) {
    const target = process.nodes.get(process.flows.get(flowId)?.targetId ?? '');
    if (target === undefined) continue;
    const ok =
      target.kind === 'receiveTask' ||
      (target.kind === 'intermediateCatchEvent' &&
        ['message', 'timer', 'signal'].includes(target.trigger?.type ?? ''));
    if (!ok) {
      findings.push({
        code: 'invalid-event-gateway-target',
        message: `${describe(gateway)} leads to ${describe(target)}; an event-based gateway may only lead to message, timer or signal catch events and receive tasks`,
        elementId: gateway.id,
      });
    }
  }
  return findings;
}

/** A link throw jumps to the catch with the same name in the same container. */
export const checkLinks: ProcessRule = ({ process }) => {
  const findings: Finding[] = [];
  for (const node of process.nodes.values()) {
    if (node.kind !== 'intermediateThrowEvent' || node.trigger?.type !== 'link') continue;
    const container = process.containers.get(node.containerId);
    if (container?.linkCatches[node.trigger.linkName] !== undefined) continue;
    findings.push({
      code: 'link-no-catch',
      message: `${describe(node)} throws link "${node.trigger.linkName}" but no link catch event with that name is in the same scope`,
      elementId: node.id,
    });
  }
  return findings;
};

/** Standard loops: a negative maximum makes no sense. */
export const checkLoops: ProcessRule = ({ process }) => {
  const findings: Finding[] = [];
  for (const node of process.nodes.values()) {
    if (
      node.loop?.kind === 'standard' &&
      node.loop.maximum !== undefined &&
      node.loop.maximum < 0
    ) {
      findings.push({
        code: 'invalid-loop-maximum',
        message: `${describe(node)} has loopMaximum ${node.loop.maximum}; it must be 0 or more`,
        elementId: node.id,
      });
    }
  }
  return findings;
};
