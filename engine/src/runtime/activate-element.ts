import { enterElement } from './enter-element.js';
import { openBoundaryEvents } from './triggers.js';
import type { Run } from './run.js';
import type { Step } from './step.js';

type ActivateStep = Extract<Step, { op: 'activate' }>;

/**
 * Creates the element instance for a token arriving at an element. An activity with loop
 * characteristics first gets a body instance (boundary events attach to the body), which then
 * activates the inner instances.
 */
export function activateElement(run: Run, step: ActivateStep): void {
  const scope = run.el(step.scopeKey);
  if (!scope) return; // the scope ended while this token was queued
  const node = run.node(step.elementId);
  // An interrupted scope only lets its interrupting event sub-process run.
  if (scope.interrupted && node.kind !== 'eventSubProcess') return;
  const key = run.newKey();
  const isBody = node.loop !== undefined && step.role !== 'inner';
  const payload: Record<string, unknown> = {};
  if (isBody) payload.role = node.loop!.kind === 'multiInstance' ? 'miBody' : 'loopBody';
  else if (step.role) payload.role = step.role;
  if (step.vars) payload.vars = step.vars;
  if (step.startEventId) payload.startEventId = step.startEventId;
  run.emit('element.activated', { elementId: node.id, key, scopeKey: step.scopeKey }, payload);
  if (isBody && node.boundaryEventIds.length > 0) {
    if (!openBoundaryEvents(run, node, key)) return;
  }
  enterElement(run, key, step.triggered);
}
