import type { Expr } from '../model/expression.js';
import type { FeelOptions } from './feel-context.js';
import { evaluateExpr } from './evaluate-expr.js';
import { FeelEvaluationError, describeExpression, describeValue } from './feel-evaluation-error.js';

/**
 * Evaluates a multi-instance `inputCollection`. Zeebe requires a list (an incident otherwise,
 * including for null), so we do not wrap single values.
 * @throws FeelEvaluationError
 */
export function evaluateList(
  expr: Expr,
  variables: Readonly<Record<string, unknown>>,
  options?: FeelOptions,
): unknown[] {
  const value = evaluateExpr(expr, variables, options);
  if (Array.isArray(value)) return value;
  const source = expr.kind === 'feel' ? expr.source : expr.value;
  throw new FeelEvaluationError(
    source,
    `expression ${describeExpression(source)} must evaluate to a list but returned ${describeValue(value)}`,
  );
}
