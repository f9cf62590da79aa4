import type { DeploymentRow } from '../persistence/entities.js';
import { resourceKind } from './resource-kind.js';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The BPMN resource of a deployment that defines process `processId`: the only BPMN file, or the
 * one with a `<process id="…">` start tag for it (a cheap look at the text; the models were
 * validated when deployed).
 */
export function bpmnOfProcess(
  deployment: Pick<DeploymentRow, 'resources'>,
  processId: string,
): { name: string; content: string } | undefined {
  const resources = JSON.parse(deployment.resources) as Array<{ name: string; content: string }>;
  const bpmn = resources.filter(
    (r) => resourceKind(r.name) === 'bpmn' || r.content.trimStart().startsWith('<'),
  );
  if (bpmn.length === 1) return bpmn[0];
  const tag = new RegExp(
    `<(?:[\\w.-]+:)?process\\b[^>]*\\sid\\s*=\\s*["']${escapeRegExp(processId)}["']`,
  );
  return bpmn.find((r) => tag.test(r.content));
}
