import type { FlowNode } from '../model/flow-node.js';
import type { ProcessModel } from '../model/process-model.js';

/** What a rule reports; the runner adds the source position and adjusts severity. */
export interface Finding {
  readonly code: string;
  readonly message: string;
  readonly elementId: string;
  /** Default `error`. Rules that only advise say `warning`. */
  readonly severity?: 'error' | 'warning';
}

export interface RuleContext {
  readonly process: ProcessModel;
  /** The moddle element of a node/flow/process id (for facts the compiled model does not keep). */
  readonly raw: (id: string) => any;
}

export type ProcessRule = (ctx: RuleContext) => Finding[];

/** `Task "Approve permit" (id)` — how messages name an element, so users can find it. */
export function describe(node: Pick<FlowNode, 'id' | 'name' | 'bpmnType'>): string {
  const type = node.bpmnType.replace(/^bpmn:/, '');
  return node.name ? `${type} "${node.name}" (${node.id})` : `${type} ${node.id}`;
}
