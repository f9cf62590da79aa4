import type { Expr } from '../model/expression.js';
import type { FeelOptions } from './feel-context.js';
import { evaluateFeel } from './evaluate-expr.js';
import { FeelEvaluationError, describeExpression, describeValue } from './feel-evaluation-error.js';

/**
 * Evaluates a sequence-flow (or completion) condition. Only FEEL `true` selects the flow; `false`
 * does not. Any other result — null, a missing variable, a string — is an error, because Camunda 8
 * raises an incident rather than silently treating it as false.
 * A `static` condition is evaluated as FEEL too: in Zeebe conditions are always FEEL and the
 * leading `=` is optional there.
 * @throws FeelEvaluationError
 */
export function evaluateCondition(
  expr: Expr,
  variables: Readonly<Record<string, unknown>>,
  options?: FeelOptions,
): boolean {
  const source = expr.kind === 'feel' ? expr.source : expr.value;
  const value = evaluateFeel(source, variables, options);
  if (typeof value === 'boolean') return value;
  throw new FeelEvaluationError(
    source,
    `condition ${describeExpression(source)} must evaluate to a boolean but returned ${describeValue(value)}`,
  );
}
