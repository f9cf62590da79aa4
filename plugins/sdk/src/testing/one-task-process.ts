/** What the generated one-task model looks like. */
export interface OneTaskProcessOptions {
  /** The service task's `zeebe:taskDefinition type`. */
  taskType: string;
  /** Static `zeebe:taskHeaders`. */
  headers?: Record<string, string>;
  /** Attempts before an incident (`zeebe:taskDefinition retries`); default 3. */
  retries?: number;
  /** BPMN process id; default `plugin-test`. */
  processId?: string;
  /**
   * Draw a catch-all error boundary on the task (to the end event `errorCaught`), so a
   * `bpmnError` outcome completes the instance instead of raising an unhandled-error incident.
   * Default true.
   */
  catchErrors?: boolean;
}

/** Element ids of the generated model, for assertions on the path taken. */
export const ONE_TASK_IDS = {
  start: 'started',
  task: 'pluginTask',
  end: 'done',
  errorBoundary: 'errorBoundary',
  errorEnd: 'errorCaught',
} as const;

/** Escapes text for an XML attribute value. */
function attr(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/**
 * A BPMN model with one service task of `taskType`: start → task → end, and (by default) a
 * catch-all error boundary → `errorCaught`. Headers and retries go where the designer puts them.
 */
export function oneTaskProcess(options: OneTaskProcessOptions): string {
  const ids = ONE_TASK_IDS;
  const processId = options.processId ?? 'plugin-test';
  if (!/^[A-Za-z_][\w.-]*$/.test(processId))
    throw new Error(`'${processId}' is not a valid BPMN id`);
  const retries = options.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 1)
    throw new Error(`retries must be a positive integer, got ${retries}`);
  const headers = Object.entries(options.headers ?? {})
    .map(([k, v]) => `\n          <zeebe:header key="${attr(k)}" value="${attr(v)}"/>`)
    .join('');
  const headerBlock = headers
    ? `\n        <zeebe:taskHeaders>${headers}\n        </zeebe:taskHeaders>`
    : '';
  const catchErrors = options.catchErrors ?? true;
  const boundary = catchErrors
    ? `
    <bpmn:boundaryEvent id="${ids.errorBoundary}" attachedToRef="${ids.task}">
      <bpmn:outgoing>toErrorEnd</bpmn:outgoing>
      <bpmn:errorEventDefinition id="${ids.errorBoundary}-def"/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="toErrorEnd" sourceRef="${ids.errorBoundary}" targetRef="${ids.errorEnd}"/>
    <bpmn:endEvent id="${ids.errorEnd}">
      <bpmn:incoming>toErrorEnd</bpmn:incoming>
    </bpmn:endEvent>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="plugin-test-definitions" targetNamespace="http://safeflow.dev/plugin-test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="${ids.start}">
      <bpmn:outgoing>toTask</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="toTask" sourceRef="${ids.start}" targetRef="${ids.task}"/>
    <bpmn:serviceTask id="${ids.task}">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="${attr(options.taskType)}" retries="${retries}"/>${headerBlock}
      </bpmn:extensionElements>
      <bpmn:incoming>toTask</bpmn:incoming>
      <bpmn:outgoing>toEnd</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="toEnd" sourceRef="${ids.task}" targetRef="${ids.end}"/>
    <bpmn:endEvent id="${ids.end}">
      <bpmn:incoming>toEnd</bpmn:incoming>
    </bpmn:endEvent>${boundary}
  </bpmn:process>
</bpmn:definitions>
`;
}
