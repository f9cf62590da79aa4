import type { JobDef } from '../model/activity-defs.js';
import { zeebeExpr } from './expr.js';
import { findExtension } from './extension-elements.js';

/**
 * A job from `zeebe:taskDefinition` (+ `zeebe:taskHeaders`). Without a task definition there is no
 * job; whether that is an error depends on the element and is the validator's call.
 */
export function compileJob(element: any): JobDef | undefined {
  const definition = findExtension(element, 'zeebe:TaskDefinition');
  if (definition === undefined) return undefined;
  const retries =
    typeof definition.retries === 'string' && definition.retries !== '' ? definition.retries : '3';
  return {
    type: zeebeExpr(typeof definition.type === 'string' ? definition.type : ''),
    retries: zeebeExpr(retries),
    headers: compileHeaders(element),
  };
}

function compileHeaders(element: any): Record<string, string> {
  const headers: Record<string, string> = {};
  const values = findExtension(element, 'zeebe:TaskHeaders')?.values;
  if (!Array.isArray(values)) return headers;
  for (const header of values) {
    if (typeof header?.key === 'string')
      headers[header.key] = typeof header.value === 'string' ? header.value : '';
  }
  return headers;
}
