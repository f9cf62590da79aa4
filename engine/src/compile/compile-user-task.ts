import type { UserTaskDef } from '../model/activity-defs.js';
import { optionalZeebeExpr, zeebeExpr } from './expr.js';
import { findExtension, stringAttr } from './extension-elements.js';

const EMBEDDED_FORM_PREFIX = 'camunda-forms:bpmn:';

/**
 * Everything a user task needs from Zeebe and SafeFlow extensions. A legacy
 * `zeebe:taskDefinition` on a user task is ignored, as Zeebe does. `userTaskForms` maps the ids
 * of process-level `zeebe:userTaskForm` elements to their JSON body (embedded forms).
 */
export function compileUserTask(
  element: any,
  userTaskForms: ReadonlyMap<string, string>,
): UserTaskDef {
  const assignment = findExtension(element, 'zeebe:AssignmentDefinition');
  const form = findExtension(element, 'zeebe:FormDefinition');
  const schedule = findExtension(element, 'zeebe:TaskSchedule');
  const priority = findExtension(element, 'zeebe:PriorityDefinition');
  const sfAssignment = findExtension(element, 'sf:Assignment');
  const sfForm = findExtension(element, 'sf:Form');
  const formKey = stringAttr(form, 'formKey') ?? stringAttr(sfForm, 'formKey');
  const embeddedForm =
    formKey?.startsWith(EMBEDDED_FORM_PREFIX) === true
      ? userTaskForms.get(formKey.slice(EMBEDDED_FORM_PREFIX.length))
      : undefined;
  const candidateRoles = stringAttr(sfAssignment, 'candidateRoles');
  const def: UserTaskDef = {
    assignee: optionalZeebeExpr(assignment?.assignee),
    candidateGroups: optionalZeebeExpr(assignment?.candidateGroups),
    candidateUsers: optionalZeebeExpr(assignment?.candidateUsers),
    candidateRoles: candidateRoles === undefined ? undefined : zeebeExpr(candidateRoles),
    formKey,
    formId: stringAttr(form, 'formId'),
    embeddedForm,
    dueDate: optionalZeebeExpr(schedule?.dueDate),
    followUpDate: optionalZeebeExpr(schedule?.followUpDate),
    priority: optionalZeebeExpr(priority?.priority),
  };
  return dropUndefined(def);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
