import type { FlowNode } from '../model/flow-node.js';
import { describe, type Finding, type ProcessRule } from './rule-types.js';

/** `${...}` / `#{...}`: JUEL/JavaScript template expressions (Camunda 7, bpmn-engine). */
const TEMPLATE = /[$#]\{[^}]*\}/;
const FEEL_LANGUAGE = /feel/i;

/**
 * SafeFlow evaluates FEEL only and never runs JavaScript (no eval, no new Function). Models written
 * for Camunda 7 or bpmn-engine put JavaScript/JUEL in conditions, scripts, timers and service task
 * implementations; we refuse them with a message that says what to write instead. Places Zeebe does
 * not evaluate (documentation, headers, camunda:* attributes next to zeebe:* ones) are left alone.
 */
export const checkJavascript: ProcessRule = ({ process, raw }) => {
  const findings: Finding[] = [];
  for (const flow of process.flows.values()) {
    const expression = raw(flow.id)?.conditionExpression;
    const problem = expressionProblem(expression);
    if (problem) findings.push(refuse(flow.id, `Sequence flow ${flow.id} condition ${problem}`));
  }
  for (const node of process.nodes.values()) {
    const element = raw(node.id);
    if (element === undefined) continue;
    const what = describe(node);
    if (node.kind === 'scriptTask' && node.job === undefined && node.script === undefined) {
      const format = typeof element.scriptFormat === 'string' ? element.scriptFormat : undefined;
      if (format !== undefined || typeof element.script === 'string') {
        findings.push(refuse(node.id, `${what} has a ${format ?? 'non-FEEL'} script`));
      }
    }
    for (const [label, expression] of nodeExpressions(element)) {
      const problem = expressionProblem(expression);
      if (problem) findings.push(refuse(node.id, `${what} ${label} ${problem}`));
    }
    const implementation = templateImplementation(node, element);
    if (implementation !== undefined) {
      findings.push(
        refuse(node.id, `${what} is implemented by the expression "${implementation}"`),
      );
    }
  }
  return findings;
};

function refuse(elementId: string, what: string): Finding {
  return {
    code: 'javascript-not-allowed',
    message: `${what}: JavaScript/JUEL is not allowed in SafeFlow models; use a FEEL expression (\`=...\`) instead`,
    elementId,
  };
}

/** Why an expression is not FEEL, or undefined when it is (or is absent). */
function expressionProblem(expression: any): string | undefined {
  if (expression === undefined || expression === null) return undefined;
  const language = typeof expression.language === 'string' ? expression.language : undefined;
  if (language !== undefined && !FEEL_LANGUAGE.test(language)) return `is written in ${language}`;
  const body = typeof expression.body === 'string' ? expression.body : '';
  const template = TEMPLATE.exec(body);
  return template ? `uses the template expression "${template[0]}"` : undefined;
}

/** Expressions an engine evaluates on a node: timers, loop conditions, conditional events. */
function nodeExpressions(element: any): Array<[string, any]> {
  const result: Array<[string, any]> = [];
  const loop = element.loopCharacteristics;
  if (loop) {
    result.push(
      ['loop cardinality', loop.loopCardinality],
      ['completion condition', loop.completionCondition],
    );
    result.push(['loop condition', loop.loopCondition]);
  }
  const definitions = [
    ...(Array.isArray(element.eventDefinitions) ? element.eventDefinitions : []),
    ...(Array.isArray(element.eventDefinitionRef) ? element.eventDefinitionRef : []),
  ];
  for (const definition of definitions) {
    result.push(
      ['timer', definition?.timeDuration],
      ['timer', definition?.timeDate],
      ['timer', definition?.timeCycle],
    );
    result.push(['condition', definition?.condition]);
  }
  return result.filter(([, expression]) => expression !== undefined && expression !== null);
}

/**
 * A job-less service-like task implemented by an expression (`camunda:expression="${...}"`,
 * `implementation="${...}"`): the model relies on the engine evaluating JavaScript/JUEL.
 */
function templateImplementation(node: FlowNode, element: any): string | undefined {
  if (
    node.job !== undefined ||
    !['serviceTask', 'sendTask', 'businessRuleTask'].includes(node.kind)
  )
    return undefined;
  const candidates = [element.implementation, ...Object.values(element.$attrs ?? {})];
  for (const value of candidates) {
    if (typeof value === 'string' && TEMPLATE.test(value)) return value;
  }
  return undefined;
}
