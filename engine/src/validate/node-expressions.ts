import type { Expr } from '../model/expression.js';
import type { FlowNode } from '../model/flow-node.js';

/** Every expression of a compiled node with a label saying where it sits (for messages). */
export function nodeExpressions(node: FlowNode): Array<[string, Expr]> {
  const found: Array<[string, Expr | undefined]> = [];
  for (const m of node.inputs ?? []) found.push([`input mapping to "${m.target}"`, m.source]);
  for (const m of node.outputs ?? []) found.push([`output mapping to "${m.target}"`, m.source]);
  if (node.job) found.push(['job type', node.job.type], ['job retries', node.job.retries]);
  const t = node.userTask;
  if (t) {
    found.push(
      ['assignee', t.assignee],
      ['candidate groups', t.candidateGroups],
      ['candidate users', t.candidateUsers],
    );
    found.push(
      ['candidate roles', t.candidateRoles],
      ['due date', t.dueDate],
      ['follow-up date', t.followUpDate],
    );
    found.push(['priority', t.priority]);
  }
  if (node.script) found.push(['script', node.script.expression]);
  if (node.call) found.push(['called process id', node.call.processId]);
  const trigger = node.trigger;
  if (trigger?.type === 'message')
    found.push(['message name', trigger.name], ['correlation key', trigger.correlationKey]);
  if (trigger?.type === 'signal') found.push(['signal name', trigger.name]);
  if (trigger?.type === 'timer') found.push([`timer ${trigger.timer.kind}`, trigger.timer.expr]);
  const loop = node.loop;
  if (loop?.kind === 'multiInstance') {
    found.push(['input collection', loop.inputCollection], ['output element', loop.outputElement]);
    found.push(
      ['loop cardinality', loop.cardinality],
      ['completion condition', loop.completionCondition],
    );
  }
  if (loop?.kind === 'standard') found.push(['loop condition', loop.condition]);
  return found.filter((entry): entry is [string, Expr] => entry[1] !== undefined);
}
