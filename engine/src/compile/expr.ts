import type { Expr } from '../model/expression.js';

/**
 * Camunda 8 attribute convention: a value starting with `=` is FEEL (we keep the source without the
 * `=`), anything else is a static string taken literally. Used for every zeebe:* attribute.
 */
export function zeebeExpr(value: string): Expr {
  const trimmed = value.trimStart();
  if (trimmed.startsWith('=')) return { kind: 'feel', source: trimmed.slice(1).trim() };
  return { kind: 'static', value };
}

export function optionalZeebeExpr(value: unknown): Expr | undefined {
  return typeof value === 'string' && value !== '' ? zeebeExpr(value) : undefined;
}

/**
 * Conditions (sequence flows, completion and loop conditions) are FEEL whether or not they start
 * with `=`, as in Zeebe; the optional leading `=` is dropped.
 */
export function feelExpr(value: string): Expr {
  const trimmed = value.trim();
  return { kind: 'feel', source: trimmed.startsWith('=') ? trimmed.slice(1).trim() : trimmed };
}

/** Body text of a bpmn:Expression / bpmn:FormalExpression, or undefined when absent or blank. */
export function expressionBody(expression: unknown): string | undefined {
  const body = (expression as { body?: unknown } | undefined)?.body;
  return typeof body === 'string' && body.trim() !== '' ? body : undefined;
}
