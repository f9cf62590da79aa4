import type { Expr } from '../model/expression.js';
import { evaluateExpr } from '../feel/index.js';
import { IncidentError } from './incident-error.js';
import type { Vars } from './instance-state.js';

/**
 * The runtime's view of FEEL: every failure becomes an IncidentError naming the expression, so a
 * bad expression stops one step of one instance and never the engine.
 */
export function evalValue(expr: Expr, vars: Vars, what: string, now: number): unknown {
  if (expr.kind === 'static') return expr.value;
  try {
    // `now` makes FEEL's now()/today() read the command's time, not the wall clock (replay).
    return evaluateExpr(expr, vars, { now });
  } catch (e) {
    throw new IncidentError(
      'EXTRACT_VALUE_ERROR',
      `${what}: failed to evaluate expression '${expr.source}': ${(e as Error).message}`,
    );
  }
}

export function evalCondition(expr: Expr, vars: Vars, what: string, now: number): boolean {
  const v = evalValue(expr, vars, what, now);
  if (typeof v !== 'boolean') {
    throw new IncidentError(
      'CONDITION_ERROR',
      `${what}: expected a boolean from '${exprText(expr)}' but got ${describe(v)}`,
    );
  }
  return v;
}

export function evalString(expr: Expr, vars: Vars, what: string, now: number): string {
  const v = evalValue(expr, vars, what, now);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new IncidentError(
    'EXTRACT_VALUE_ERROR',
    `${what}: expected a string from '${exprText(expr)}' but got ${describe(v)}`,
  );
}

export function evalList(expr: Expr, vars: Vars, what: string, now: number): unknown[] {
  const v = evalValue(expr, vars, what, now);
  if (Array.isArray(v)) return v;
  throw new IncidentError(
    'EXTRACT_VALUE_ERROR',
    `${what}: expected a list from '${exprText(expr)}' but got ${describe(v)}`,
  );
}

/** Lists such as candidate groups: a FEEL list, or a comma separated static string. */
export function evalStringList(
  expr: Expr | undefined,
  vars: Vars,
  what: string,
  now: number,
): string[] {
  if (!expr) return [];
  const v = evalValue(expr, vars, what, now);
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (typeof v === 'string') {
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }
  if (v === null || v === undefined) return [];
  throw new IncidentError('EXTRACT_VALUE_ERROR', `${what}: expected a list but got ${describe(v)}`);
}

export function exprText(expr: Expr): string {
  return expr.kind === 'feel' ? `=${expr.source}` : expr.value;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a context';
  return `${typeof v} ${JSON.stringify(v)}`;
}
