/**
 * Raised when a FEEL expression cannot be evaluated into a usable value: a syntax error, a result of
 * the wrong type (Camunda 8 raises an incident in that case), or an input refused for safety.
 * The interpreter turns it into an incident; it is never a crash of the engine.
 */
export class FeelEvaluationError extends Error {
  /** The FEEL source (without the leading `=`) that failed. */
  readonly expression: string;

  constructor(expression: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeelEvaluationError';
    this.expression = expression;
  }
}

/** Shortens an expression for error messages so a huge hostile input cannot bloat incidents. */
export function describeExpression(source: string): string {
  const max = 200;
  return source.length <= max
    ? `'${source}'`
    : `'${source.slice(0, max)}…' (${source.length} chars)`;
}

/** Renders a value for an error message (JSON when possible, bounded length). */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length <= 200 ? text : `${text.slice(0, 200)}…`;
}
