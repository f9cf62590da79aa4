import type { FlowNode } from '../model/flow-node.js';
import { describe, type Finding, type ProcessRule } from './rule-types.js';

/** `${...}` / `#{...}`: template expressions (bpmn-engine's JavaScript convention, or JUEL/EL). */
const TEMPLATE = /[$#]\{[^}]*\}/;
/** `#{...}` is EL's deferred syntax (Activiti, Camunda 7, Flowable); bpmn-engine never writes it. */
const DEFERRED_EL = /^#\{/;
const FEEL_LANGUAGE = /feel/i;
const JAVASCRIPT_LANGUAGE =
  /^(?:js|javascript|ecmascript|node(?:js)?|nashorn|graal\.?js)$|javascript|ecmascript/i;

/**
 * What a non-FEEL expression or script is written in. SafeFlow never imports JavaScript: those are
 * refused (`javascript-not-allowed`, which refuses import too). Other languages (XPath, JUEL/EL,
 * Groovy, ...) are not JavaScript, only not evaluated: `unsupported-expression-language` blocks
 * deployment but the model imports, so the designer can show it and the user rewrite it in FEEL.
 */
type Foreign = { readonly javascript: boolean; readonly what: string };

/**
 * SafeFlow evaluates FEEL only and never runs JavaScript (no eval, no new Function). Models written
 * for Camunda 7 or bpmn-engine put JavaScript/JUEL in conditions, scripts, timers and service task
 * implementations; we report them with a message that says what to write instead. Places Zeebe does
 * not evaluate (documentation, headers, camunda:* attributes next to zeebe:* ones) are left alone.
 *
 * A `${...}` template is bpmn-engine's JavaScript convention unless the file declares a non-JavaScript
 * `expressionLanguage` on its definitions (Camunda 7/Activiti exports say XPath and mean JUEL);
 * `#{...}` is always EL. An explicit `language` on the expression, or a script format, decides first.
 */
export const checkJavascript: ProcessRule = ({ process, raw }) => {
  const declared = declaredExpressionLanguage(raw(process.id));
  const findings: Finding[] = [];
  for (const flow of process.flows.values()) {
    const expression = raw(flow.id)?.conditionExpression;
    const foreign = foreignExpression(expression, declared);
    if (foreign) findings.push(report(flow.id, `Sequence flow ${flow.id} condition`, foreign));
  }
  for (const node of process.nodes.values()) {
    const element = raw(node.id);
    if (element === undefined) continue;
    const what = describe(node);
    if (node.kind === 'scriptTask' && node.job === undefined && node.script === undefined) {
      const format = typeof element.scriptFormat === 'string' ? element.scriptFormat : undefined;
      if (format !== undefined || typeof element.script === 'string') {
        const javascript = format === undefined || JAVASCRIPT_LANGUAGE.test(format);
        findings.push(
          report(node.id, what, {
            javascript,
            what: `has a ${format ?? 'non-FEEL'} script`,
          }),
        );
      }
    }
    for (const [label, expression] of nodeExpressions(element)) {
      const foreign = foreignExpression(expression, declared);
      if (foreign) findings.push(report(node.id, `${what} ${label}`, foreign));
    }
    const implementation = templateImplementation(node, element);
    if (implementation !== undefined) {
      findings.push(
        report(node.id, what, {
          javascript:
            !DEFERRED_EL.test(TEMPLATE.exec(implementation)?.[0] ?? '') &&
            !isNonJavaScript(declared),
          what: `is implemented by the expression "${implementation}"`,
        }),
      );
    }
  }
  return findings;
};

function report(elementId: string, subject: string, foreign: Foreign): Finding {
  if (foreign.javascript) {
    return {
      code: 'javascript-not-allowed',
      message: `${subject} ${foreign.what}: JavaScript is not allowed in SafeFlow models; use a FEEL expression (\`=...\`) instead`,
      elementId,
    };
  }
  return {
    code: 'unsupported-expression-language',
    message: `${subject} ${foreign.what}: SafeFlow evaluates FEEL only; rewrite it as a FEEL expression (\`=...\`) before deploying`,
    elementId,
  };
}

/** The `expressionLanguage` the file's definitions declare explicitly (not BPMN's XPath default). */
function declaredExpressionLanguage(element: any): string | undefined {
  let current = element;
  for (let depth = 0; current !== undefined && current !== null && depth < 50; depth++) {
    if (current.$type === 'bpmn:Definitions') {
      const own = Object.prototype.hasOwnProperty.call(current, 'expressionLanguage');
      return own && typeof current.expressionLanguage === 'string'
        ? current.expressionLanguage
        : undefined;
    }
    current = current.$parent;
  }
  return undefined;
}

function isNonJavaScript(language: string | undefined): boolean {
  return language !== undefined && !JAVASCRIPT_LANGUAGE.test(language);
}

/** Why an expression is not FEEL, or undefined when it is (or is absent). */
function foreignExpression(expression: any, declared: string | undefined): Foreign | undefined {
  if (expression === undefined || expression === null) return undefined;
  const language = typeof expression.language === 'string' ? expression.language : undefined;
  if (language !== undefined) {
    // A FEEL-declared expression is checked as FEEL (feel-syntax reports what does not parse).
    if (FEEL_LANGUAGE.test(language)) return undefined;
    return { javascript: JAVASCRIPT_LANGUAGE.test(language), what: `is written in ${language}` };
  }
  const body = typeof expression.body === 'string' ? expression.body : '';
  const template = TEMPLATE.exec(body);
  if (!template) return undefined;
  const javascript = !DEFERRED_EL.test(template[0]) && !isNonJavaScript(declared);
  return {
    javascript,
    what: javascript
      ? `uses the template expression "${template[0]}"`
      : `uses the EL/JUEL expression "${template[0]}"`,
  };
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
