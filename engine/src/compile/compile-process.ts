import type { Container } from '../model/flow-node.js';
import type { ProcessModel, SequenceFlow, UnsupportedElement } from '../model/process-model.js';
import { compileNode, type DraftNode, type NodeContext } from './compile-node.js';
import { expressionBody, feelExpr } from './expr.js';
import { findExtension, stringAttr } from './extension-elements.js';
import { nodeKind } from './node-kind.js';

interface DraftContainer {
  id: string;
  nodeIds: string[];
  noneStartId?: string;
  triggeredStartIds: string[];
  eventSubProcessIds: string[];
  linkCatches: Record<string, string>;
}

interface ProcessDraft extends NodeContext {
  readonly nodes: Map<string, DraftNode>;
  readonly rawFlows: any[];
  readonly containers: Map<string, DraftContainer>;
  readonly unsupported: UnsupportedElement[];
}

/**
 * Compiles one bpmn:Process: walks it and every (event) sub-process depth-first, then wires flows,
 * boundary events and defaults. incoming/outgoing come from the flows themselves, not from the
 * `<incoming>`/`<outgoing>` lists, which some vendor exports omit or get wrong.
 */
export function compileProcess(
  process: any,
  userTaskForms: ReadonlyMap<string, string>,
): ProcessModel {
  const draft: ProcessDraft = {
    userTaskForms,
    nodes: new Map(),
    rawFlows: [],
    containers: new Map(),
    unsupported: [],
  };
  const processId = String(process.id);
  walkContainer(process, processId, draft);
  const flows = wireFlows(draft);
  wireBoundaryEvents(draft.nodes);
  const containers = new Map<string, Container>(draft.containers);
  for (const node of draft.nodes.values()) {
    const container = containers.get(node.id);
    if (container !== undefined) node.container = container;
  }
  const root = containers.get(processId);
  return {
    id: processId,
    ...(stringAttr(process, 'name') !== undefined ? { name: stringAttr(process, 'name') } : {}),
    isExecutable: process.isExecutable === true,
    ...(versionTagOf(process) !== undefined ? { versionTag: versionTagOf(process) } : {}),
    root: root ?? emptyContainer(processId),
    nodes: new Map(draft.nodes),
    flows,
    unsupported: draft.unsupported,
    containers,
  };
}

function walkContainer(element: any, containerId: string, draft: ProcessDraft): void {
  const container: DraftContainer = emptyContainer(containerId);
  draft.containers.set(containerId, container);
  const children: any[] = Array.isArray(element.flowElements) ? element.flowElements : [];
  for (const child of children) {
    if (child?.$type === 'bpmn:SequenceFlow') {
      draft.rawFlows.push(child);
      continue;
    }
    if (typeof child?.id !== 'string') continue;
    const { kind, unsupported } = nodeKind(child);
    if (unsupported !== undefined)
      draft.unsupported.push({
        elementId: child.id,
        type: String(child.$type),
        reason: unsupported,
      });
    if (kind === undefined) continue;
    const node = compileNode(child, kind, containerId, draft);
    draft.nodes.set(node.id, node);
    container.nodeIds.push(node.id);
    registerInContainer(container, node);
    if (kind === 'subProcess' || kind === 'eventSubProcess') walkContainer(child, node.id, draft);
  }
}

function registerInContainer(container: DraftContainer, node: DraftNode): void {
  if (node.kind === 'startEvent') {
    if (node.trigger === undefined || node.trigger.type === 'none')
      container.noneStartId ??= node.id;
    else container.triggeredStartIds.push(node.id);
  } else if (node.kind === 'eventSubProcess') {
    container.eventSubProcessIds.push(node.id);
  } else if (node.kind === 'intermediateCatchEvent' && node.trigger?.type === 'link') {
    container.linkCatches[node.trigger.linkName] ??= node.id;
  }
}

function wireFlows(draft: ProcessDraft): Map<string, SequenceFlow> {
  const flows = new Map<string, SequenceFlow>();
  for (const raw of draft.rawFlows) {
    const id = String(raw.id);
    const sourceId = stringAttr(raw.sourceRef, 'id') ?? '';
    const targetId = stringAttr(raw.targetRef, 'id') ?? '';
    const body = expressionBody(raw.conditionExpression);
    const source = draft.nodes.get(sourceId);
    flows.set(id, {
      id,
      sourceId,
      targetId,
      ...(body !== undefined ? { condition: feelExpr(body) } : {}),
      isDefault: source?.defaultFlow === id,
    });
    source?.outgoing.push(id);
    draft.nodes.get(targetId)?.incoming.push(id);
  }
  return flows;
}

function wireBoundaryEvents(nodes: Map<string, DraftNode>): void {
  for (const node of nodes.values()) {
    if (node.kind !== 'boundaryEvent' || node.attachedTo === undefined) continue;
    nodes.get(node.attachedTo)?.boundaryEventIds.push(node.id);
  }
}

function emptyContainer(id: string): DraftContainer {
  return { id, nodeIds: [], triggeredStartIds: [], eventSubProcessIds: [], linkCatches: {} };
}

/** `zeebe:versionTag`: call activities may bind to the version carrying a tag. */
function versionTagOf(process: any): string | undefined {
  const value = findExtension(process, 'zeebe:VersionTag')?.value;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
