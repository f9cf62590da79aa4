import { evaluate, SyntaxError as FeelSyntaxError } from 'feelin';
import type { Expr } from '../model/expression.js';
import { type FeelOptions, mayReference, toFeelContext } from './feel-context.js';
import { FeelEvaluationError, describeExpression } from './feel-evaluation-error.js';
import { tryFastPath } from './fast-path.js';
import { checkInputLimits } from './input-limits.js';
import { NotJsonSafeError, toJsonValue } from './to-json-value.js';

/**
 * Evaluates an expression against process variables and returns a JSON-safe value (see
 * {@link toJsonValue}); FEEL null is `null`. Static expressions are returned as-is.
 * @throws FeelEvaluationError on a syntax error, input over the limits in `input-limits.ts`, or a
 *   result that cannot be stored (a FEEL function).
 */
export function evaluateExpr(
  expr: Expr,
  variables: Readonly<Record<string, unknown>>,
  options?: FeelOptions,
): unknown {
  if (expr.kind === 'static') return expr.value;
  return evaluateFeel(expr.source, variables, options);
}

/** Evaluates FEEL source text (no leading `=`). */
export function evaluateFeel(
  source: string,
  variables: Readonly<Record<string, unknown>>,
  options?: FeelOptions,
): unknown {
  const refused = checkInputLimits(source);
  if (refused !== undefined) {
    throw new FeelEvaluationError(
      source,
      `FEEL expression ${describeExpression(source)} ${refused}`,
    );
  }
  const fast = tryFastPath(source, variables, mayReference);
  if (fast !== undefined) return fast;

  let value: unknown;
  try {
    value = evaluate(source, toFeelContext(source, variables, options)).value;
  } catch (error) {
    // feelin throws its SyntaxError for unparsable input; anything else (e.g. a RangeError from
    // very deep nesting) is equally a property of the expression, never of the engine.
    const reason = error instanceof Error ? error.message : String(error);
    const what = error instanceof FeelSyntaxError ? 'syntax error' : 'error';
    throw new FeelEvaluationError(
      source,
      `FEEL ${what} in ${describeExpression(source)}: ${reason}`,
      { cause: error },
    );
  }
  try {
    return toJsonValue(value);
  } catch (error) {
    if (!(error instanceof NotJsonSafeError)) throw error;
    throw new FeelEvaluationError(
      source,
      `FEEL expression ${describeExpression(source)} returned ${error.message}, which cannot be stored as a variable`,
    );
  }
}
