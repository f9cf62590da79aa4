import type { ExecutionListenersDef, JobDef } from '../model/activity-defs.js';
import { zeebeExpr } from './expr.js';
import { findExtension } from './extension-elements.js';

/**
 * `zeebe:executionListeners` (Camunda 8.6+): jobs the host runs when an element starts (before
 * its behaviour) and when it ends (before the token moves on), in the order they are written.
 */
export function compileExecutionListeners(element: any): ExecutionListenersDef | undefined {
  const listeners = findExtension(element, 'zeebe:ExecutionListeners')?.listeners;
  if (!Array.isArray(listeners) || listeners.length === 0) return undefined;
  const start: JobDef[] = [];
  const end: JobDef[] = [];
  for (const l of listeners) {
    if (typeof l?.type !== 'string' || l.type === '') continue;
    const job: JobDef = {
      type: zeebeExpr(l.type),
      retries: zeebeExpr(typeof l.retries === 'string' && l.retries !== '' ? l.retries : '3'),
      headers: {},
    };
    (l.eventType === 'end' ? end : start).push(job);
  }
  return start.length + end.length > 0 ? { start, end } : undefined;
}
