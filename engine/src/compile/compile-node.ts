import type { FlowNode, FlowNodeKind } from '../model/flow-node.js';
import type { UnsupportedElement } from '../model/process-model.js';
import { compileCall } from './compile-call.js';
import { compileEventTrigger, messageTrigger } from './compile-event-trigger.js';
import { compileExtensions } from './compile-extensions.js';
import { compileIoMapping } from './compile-io-mapping.js';
import { compileJob } from './compile-job.js';
import { compileExecutionListeners } from './compile-execution-listeners.js';
import { compileLoop } from './compile-loop.js';
import { compileScript } from './compile-script.js';
import { compileUserTask } from './compile-user-task.js';
import { findExtension, stringAttr } from './extension-elements.js';

/** A FlowNode under construction: lists are filled in once all flows are known. */
export type DraftNode = { -readonly [K in keyof FlowNode]: FlowNode[K] } & {
  incoming: string[];
  outgoing: string[];
  boundaryEventIds: string[];
};

export interface NodeContext {
  readonly userTaskForms: ReadonlyMap<string, string>;
  readonly unsupported: UnsupportedElement[];
}

const EVENT_KINDS: ReadonlySet<FlowNodeKind> = new Set([
  'startEvent',
  'endEvent',
  'intermediateCatchEvent',
  'intermediateThrowEvent',
  'boundaryEvent',
]);

/** Compiles one flow node (not its children: sub-process containers are walked by the caller). */
export function compileNode(
  element: any,
  kind: FlowNodeKind,
  containerId: string,
  ctx: NodeContext,
): DraftNode {
  const id = String(element.id);
  const node: DraftNode = {
    id,
    kind,
    bpmnType: String(element.$type),
    containerId,
    incoming: [],
    outgoing: [],
    boundaryEventIds: [],
  };
  const name = stringAttr(element, 'name');
  if (name !== undefined) node.name = name;
  const defaultFlow = stringAttr(element.default, 'id');
  if (defaultFlow !== undefined) node.defaultFlow = defaultFlow;
  Object.assign(node, compileIoMapping(element));
  const loop = compileLoop(element);
  if (loop !== undefined) node.loop = loop;
  const listeners = compileExecutionListeners(element);
  if (listeners !== undefined) node.executionListeners = listeners;
  const extensions = compileExtensions(element);
  if (extensions !== undefined) node.extensions = extensions;
  if (element.isForCompensation === true) {
    unsupported(
      ctx,
      element,
      'compensation handlers (isForCompensation) are not executed by SafeFlow',
    );
  }
  if (EVENT_KINDS.has(kind)) compileEvent(node, element, ctx);
  else compileActivity(node, element, ctx);
  return node;
}

function compileEvent(node: DraftNode, element: any, ctx: NodeContext): void {
  if (node.kind === 'boundaryEvent') {
    node.attachedTo = stringAttr(element.attachedToRef, 'id');
    node.interrupting = element.cancelActivity !== false;
  } else if (node.kind === 'startEvent') {
    node.interrupting = element.isInterrupting !== false;
  }
  const result = compileEventTrigger(element);
  if ('unsupported' in result) {
    unsupported(ctx, element, result.unsupported);
    return;
  }
  node.trigger = result.trigger;
  if (node.kind === 'endEvent' || node.kind === 'intermediateThrowEvent') {
    // Camunda 8 message throws are implemented by a job worker.
    const job = result.trigger.type === 'message' ? compileJob(element) : undefined;
    if (job !== undefined) node.job = job;
  }
}

function compileActivity(node: DraftNode, element: any, ctx: NodeContext): void {
  switch (node.kind) {
    case 'userTask':
      node.userTask = compileUserTask(element, ctx.userTaskForms);
      break;
    case 'serviceTask':
    case 'sendTask':
      setJob(node, element);
      break;
    case 'businessRuleTask': {
      setJob(node, element);
      const ruleSetId = stringAttr(findExtension(element, 'sf:RuleSet'), 'ruleSetId');
      if (ruleSetId !== undefined) node.ruleSetId = ruleSetId;
      break;
    }
    case 'scriptTask': {
      // A task definition wins: Zeebe then hands the script to a job worker.
      if (setJob(node, element)) break;
      const script = compileScript(element);
      if (script !== undefined) node.script = script;
      break;
    }
    case 'receiveTask':
      node.trigger = messageTrigger(element.messageRef, true);
      break;
    case 'callActivity':
      node.call = compileCall(element);
      break;
    default:
      break;
  }
}

function setJob(node: DraftNode, element: any): boolean {
  const job = compileJob(element);
  if (job !== undefined) node.job = job;
  return job !== undefined;
}

function unsupported(ctx: NodeContext, element: any, reason: string): void {
  ctx.unsupported.push({ elementId: String(element.id), type: String(element.$type), reason });
}
