import type { Problem } from '../model/problem.js';
import type { CompiledDefinitions, ProcessModel } from '../model/process-model.js';
import { createElementLocator } from '../parse/element-locator.js';
import { compileProcess } from './compile-process.js';
import { findExtensions } from './extension-elements.js';

export interface CompileResult {
  readonly compiled: CompiledDefinitions;
  readonly problems: Problem[];
}

/**
 * Compiles every process of a parsed file: root-level processes and those referenced by
 * collaboration participants, each once. Never throws: a process that fails to compile is left out
 * and reported as `compile-failed`.
 */
export function compileDefinitions(definitions: any, sourceText: string): CompileResult {
  const problems: Problem[] = [];
  const processes: ProcessModel[] = [];
  const locate = createElementLocator(sourceText);
  const rawProcesses = collectProcesses(definitions);
  const userTaskForms = collectUserTaskForms(rawProcesses);
  for (const process of rawProcesses) {
    try {
      processes.push(compileProcess(process, userTaskForms));
    } catch (error) {
      const where = locate(process?.id);
      problems.push({
        code: 'compile-failed',
        message: `Process "${String(process?.id)}" could not be compiled: ${error instanceof Error ? error.message : String(error)}`,
        elementId: typeof process?.id === 'string' ? process.id : undefined,
        line: where?.line,
        column: where?.column,
        severity: 'error',
      });
    }
  }
  return {
    compiled: { id: typeof definitions?.id === 'string' ? definitions.id : '', processes },
    problems,
  };
}

export function collectProcesses(definitions: any): any[] {
  const seen = new Set<any>();
  const rootElements: any[] = Array.isArray(definitions?.rootElements)
    ? definitions.rootElements
    : [];
  for (const root of rootElements) {
    if (root?.$type === 'bpmn:Process') seen.add(root);
    if (root?.$type === 'bpmn:Collaboration' && Array.isArray(root.participants)) {
      for (const participant of root.participants) {
        if (participant?.processRef?.$type === 'bpmn:Process') seen.add(participant.processRef);
      }
    }
  }
  return [...seen];
}

/** `zeebe:userTaskForm` bodies by id (they sit on the process, tasks point at them by formKey). */
function collectUserTaskForms(processes: readonly any[]): Map<string, string> {
  const forms = new Map<string, string>();
  for (const process of processes) {
    for (const form of findExtensions(process, 'zeebe:UserTaskForm')) {
      if (typeof form.id === 'string' && typeof form.body === 'string')
        forms.set(form.id, form.body);
    }
  }
  return forms;
}
