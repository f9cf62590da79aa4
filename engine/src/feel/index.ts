// FEEL (Camunda 8 expression language) evaluation on top of feelin, with JSON-safe results.
export { evaluateExpr, evaluateFeel } from './evaluate-expr.js';
export { MAX_FEEL_EXPRESSION_LENGTH, MAX_FEEL_NESTING_DEPTH } from './input-limits.js';
export { evaluateCondition } from './evaluate-condition.js';
export { evaluateList } from './evaluate-list.js';
export { evaluateString } from './evaluate-string.js';
export { toFeelContext, mayReference, type FeelOptions } from './feel-context.js';
export { toJsonValue } from './to-json-value.js';
export { FeelEvaluationError } from './feel-evaluation-error.js';
