import type { Problem } from '../model/problem.js';
import type { CompiledDefinitions } from '../model/process-model.js';
import { collectProcesses } from '../compile/compile-definitions.js';
import { createElementLocator } from '../parse/element-locator.js';
import { lintDefinitions } from './lint-bpmn.js';
import { validateProcess } from './process-rules.js';
import { indexRawElements } from './raw-index.js';

export interface ValidateOptions {
  /** Add bpmnlint's recommended rules as warnings (default true). */
  readonly lint?: boolean;
}

/**
 * Validates compiled processes against SafeFlow's rules (errors refuse deployment in executable
 * processes) and, optionally, bpmnlint's recommended rules (warnings). `definitions` is the moddle
 * tree the processes were compiled from; `sourceText` places problems on a line.
 */
export async function validateDefinitions(
  definitions: any,
  compiled: CompiledDefinitions,
  sourceText: string,
  options: ValidateOptions = {},
): Promise<Problem[]> {
  const locate = createElementLocator(sourceText);
  const rawProcesses = new Map(collectProcesses(definitions).map((p) => [p.id, p]));
  const problems: Problem[] = [];
  for (const process of compiled.processes) {
    const index = indexRawElements(rawProcesses.get(process.id));
    problems.push(...validateProcess(process, (id) => index.get(id), locate));
  }
  if (options.lint !== false) problems.push(...(await lintDefinitions(definitions, locate)));
  return problems;
}
