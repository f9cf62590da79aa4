import type { Run } from './run.js';

/**
 * A scope with no live child and no token waiting at a join is done: a sub-process completes and
 * moves on, the process instance completes. Loop bodies are completed by their loop logic.
 */
export function checkScopeCompletion(run: Run, key: number): void {
  const el = run.el(key);
  if (!el || el.children > 0 || run.state.joins[key]) return;
  if (el.role === 'miBody' || el.role === 'loopBody') return;
  if (key === run.state.rootKey) {
    completeInstance(run);
    return;
  }
  run.enqueue({ op: 'complete', key });
}

export function completeInstance(run: Run): void {
  const root = run.el(run.state.rootKey);
  if (!root || run.state.status !== 'active') return;
  const variables = { ...(root.vars ?? {}) };
  run.closeOwned(root.key);
  run.emit('element.completed', { elementId: root.elementId, key: root.key });
  run.emit('instance.completed', { elementId: root.elementId }, {});
  if (run.state.parent) {
    run.effects.push({
      type: 'childCompleted',
      parentInstanceId: run.state.parent.instanceId,
      parentKey: run.state.parent.key,
      childInstanceId: run.state.id,
      variables,
    });
  }
}
