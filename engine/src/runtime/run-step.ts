import { activateElement } from './activate-element.js';
import { completeElement } from './complete-element.js';
import type { Run } from './run.js';
import type { Step } from './step.js';
import { handleTrigger } from './triggers.js';

export function runStep(run: Run, step: Step): void {
  switch (step.op) {
    case 'activate':
      activateElement(run, step);
      return;
    case 'complete':
      completeElement(run, step.key, step.vars, step.afterListeners);
      return;
    case 'scopeCheck':
      run.scopeChecks.add(step.key);
      return;
    case 'trigger':
      handleTrigger(run, step);
      return;
  }
}
