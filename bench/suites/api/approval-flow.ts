/**
 * The process the API bench runs: start → one user task (a supervisor signs off a permit) → end.
 * The smallest flow with a human step: each run is one start and one task completion.
 */
export const APPROVAL_PROCESS = 'bench_permit_signoff';
export const SIGNOFF_TASK = 'signoff';

export const APPROVAL_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d_${APPROVAL_PROCESS}" targetNamespace="http://safeflow.io/bench">
  <bpmn:process id="${APPROVAL_PROCESS}" name="Permit sign-off" isExecutable="true">
    <bpmn:startEvent id="requested"/>
    <bpmn:sequenceFlow id="f1" sourceRef="requested" targetRef="${SIGNOFF_TASK}"/>
    <bpmn:userTask id="${SIGNOFF_TASK}" name="Supervisor signs off the permit"/>
    <bpmn:sequenceFlow id="f2" sourceRef="${SIGNOFF_TASK}" targetRef="issued"/>
    <bpmn:endEvent id="issued"/>
  </bpmn:process>
</bpmn:definitions>`;

/** Variables of every start, the same over HTTP and on the bare engine. */
export const START_VARIABLES = { permitNo: 'HW-BENCH', area: 'tank farm 3', requester: 'bench' };
/** Variables of every completion. */
export const SIGNOFF_VARIABLES = { approved: true, supervisor: 'bench' };
