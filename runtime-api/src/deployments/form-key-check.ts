import { loadBpmn } from '@safeflow/engine';
import type { DeploymentProblem } from './deployment-problem.js';
import { isFormResourceName } from './resource-kind.js';

/** 1-based line of the element with `id` in the XML (the start tag carrying `id="…"`). */
function lineOf(xml: string, id: string): number | undefined {
  const at = xml.search(new RegExp(`\\bid=["']${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']`));
  if (at < 0) return undefined;
  let line = 1;
  for (let k = 0; k < at; k++) if (xml.charCodeAt(k) === 10) line++;
  return line;
}

const baseName = (name: string) =>
  name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);

/**
 * The resource names a task's form reference may resolve to at run time, as the task service
 * looks them up (src/tasks/task-forms.ts): the formKey itself when it names a form file, and for
 * a Camunda linked form (formId) the id, `<id>.schema.json` or `<id>.json`. Empty: nothing to check.
 */
function formCandidates(task: { formKey?: string; formId?: string }): string[] {
  const out: string[] = [];
  if (task.formKey && isFormResourceName(task.formKey)) out.push(task.formKey);
  if (task.formId) out.push(task.formId, `${task.formId}.schema.json`, `${task.formId}.json`);
  return out;
}

/**
 * User tasks whose form is not in the same deployment: a formKey naming a form resource
 * (`*.schema.json`, `*.form.json`) or a linked form (formId). Refused like Camunda 8 refuses a
 * process linking a form it cannot find: a missing form would otherwise surface only when a worker
 * opens the task. The form must come with the process, so every version keeps the forms it was
 * deployed with (the task service resolves forms in the process version's deployment; names match
 * exactly or by file name, `forms/jha.schema.json` ~ `jha.schema.json`). Other formKeys (an
 * external form app's keys, `camunda-forms:bpmn:…` embedded forms) are not resources and are not
 * checked. A model the engine refuses is skipped here: the engine reports it.
 */
export async function checkFormKeys(
  bpmn: Array<{ name: string; content: string }>,
  formNames: ReadonlySet<string>,
): Promise<DeploymentProblem[]> {
  const formBases = new Set([...formNames].map(baseName));
  const problems: DeploymentProblem[] = [];
  for (const r of bpmn) {
    if (!/formKey|formId/.test(r.content)) continue;
    const loaded = await loadBpmn(r.content);
    if (!loaded.ok) continue;
    for (const process of loaded.definitions.processes) {
      if (!process.isExecutable) continue;
      for (const node of process.nodes.values()) {
        const task = node.userTask;
        if (!task) continue;
        const names = formCandidates(task);
        if (names.length === 0 || names.some((n) => formBases.has(baseName(n)))) continue;
        const line = lineOf(r.content, node.id);
        const form =
          task.formKey && isFormResourceName(task.formKey)
            ? `form '${task.formKey}'`
            : `linked form '${task.formId}' (looked for ${names.map((n) => `'${n}'`).join(', ')})`;
        problems.push({
          code: 'FORM_NOT_FOUND',
          resource: r.name,
          elementId: node.id,
          ...(line !== undefined ? { line } : {}),
          message: `user task '${node.id}' uses ${form}, which is not in this deployment (deploy the form with the process)`,
        });
      }
    }
  }
  return problems;
}
