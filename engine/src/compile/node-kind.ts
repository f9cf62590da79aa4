import type { FlowNodeKind } from '../model/flow-node.js';

export type KindResult =
  | { readonly kind: FlowNodeKind; readonly unsupported?: string }
  | { readonly kind?: undefined; readonly unsupported: string }
  /** Not a flow node the engine cares about (data objects, sequence flows...). */
  | { readonly kind?: undefined; readonly unsupported?: undefined };

const KINDS: Readonly<Record<string, FlowNodeKind>> = {
  'bpmn:StartEvent': 'startEvent',
  'bpmn:EndEvent': 'endEvent',
  'bpmn:IntermediateCatchEvent': 'intermediateCatchEvent',
  'bpmn:IntermediateThrowEvent': 'intermediateThrowEvent',
  'bpmn:BoundaryEvent': 'boundaryEvent',
  'bpmn:Task': 'task',
  'bpmn:UserTask': 'userTask',
  'bpmn:ManualTask': 'manualTask',
  'bpmn:ServiceTask': 'serviceTask',
  'bpmn:SendTask': 'sendTask',
  'bpmn:ReceiveTask': 'receiveTask',
  'bpmn:BusinessRuleTask': 'businessRuleTask',
  'bpmn:ScriptTask': 'scriptTask',
  'bpmn:ExclusiveGateway': 'exclusiveGateway',
  'bpmn:ParallelGateway': 'parallelGateway',
  'bpmn:InclusiveGateway': 'inclusiveGateway',
  'bpmn:EventBasedGateway': 'eventBasedGateway',
  'bpmn:CallActivity': 'callActivity',
};

/** Flow elements with no runtime meaning for the engine: skipped silently. */
const PASSIVE: ReadonlySet<string> = new Set([
  'bpmn:SequenceFlow',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
]);

/**
 * Which FlowNode kind a BPMN element compiles to, and whether the engine refuses to execute it.
 * Containers we do not execute (transactions, ad-hoc sub-processes) still compile as sub-processes
 * so their insides are walked and reported; the process is refused through `unsupported`.
 */
export function nodeKind(element: any): KindResult {
  const type = String(element?.$type);
  if (PASSIVE.has(type)) return {};
  if (type === 'bpmn:SubProcess')
    return { kind: element.triggeredByEvent === true ? 'eventSubProcess' : 'subProcess' };
  if (type === 'bpmn:Transaction')
    return { kind: 'subProcess', unsupported: 'transactions are not executed by SafeFlow' };
  if (type === 'bpmn:AdHocSubProcess') {
    return { kind: 'subProcess', unsupported: 'ad-hoc sub-processes are not executed by SafeFlow' };
  }
  if (type === 'bpmn:ComplexGateway')
    return { unsupported: 'complex gateways are not executed by SafeFlow' };
  if (
    type === 'bpmn:EventBasedGateway' &&
    (element.instantiate === true || element.eventGatewayType === 'Parallel')
  ) {
    return {
      kind: 'eventBasedGateway',
      unsupported: 'instantiating or parallel event-based gateways are not supported',
    };
  }
  const kind = KINDS[type];
  if (kind !== undefined) return { kind };
  if (/Choreography/.test(type)) return { unsupported: 'choreographies are not executable' };
  return { unsupported: `${type} is not a flow element SafeFlow executes` };
}
