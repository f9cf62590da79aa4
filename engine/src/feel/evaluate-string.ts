import type { Expr } from '../model/expression.js';
import type { FeelOptions } from './feel-context.js';
import { evaluateExpr } from './evaluate-expr.js';
import { FeelEvaluationError, describeExpression, describeValue } from './feel-evaluation-error.js';

/**
 * Evaluates a job type, message name, signal name or correlation key. Zeebe accepts strings and
 * converts numbers (a correlation key `=orderId` with a numeric id is common); every other type,
 * null included, is an incident.
 * @throws FeelEvaluationError
 */
export function evaluateString(
  expr: Expr,
  variables: Readonly<Record<string, unknown>>,
  options?: FeelOptions,
): string {
  const value = evaluateExpr(expr, variables, options);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const source = expr.kind === 'feel' ? expr.source : expr.value;
  throw new FeelEvaluationError(
    source,
    `expression ${describeExpression(source)} must evaluate to a string or a number but returned ${describeValue(value)}`,
  );
}
