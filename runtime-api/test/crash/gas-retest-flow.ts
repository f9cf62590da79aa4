/**
 * The process the crash test runs: after a gas alarm the area is left to settle for `settle` (an ISO
 * duration from the instance's variables, so the timers of a batch fall due at different moments),
 * then an external gas analyser records a new reading (a job for an external worker), then the
 * process ends.
 */
export const GAS_RETEST_PROCESS = 'crash_gas_retest';
export const GAS_READING_JOB = 'gas.record-reading';
export const SETTLE_TIMER = 'settle';
export const READING_TASK = 'record_reading';

export const GAS_RETEST_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${GAS_RETEST_PROCESS}" targetNamespace="http://safeflow.io/test">
  <bpmn:process id="${GAS_RETEST_PROCESS}" name="Gas re-test after an alarm" isExecutable="true">
    <bpmn:startEvent id="alarm"/>
    <bpmn:sequenceFlow id="f1" sourceRef="alarm" targetRef="${SETTLE_TIMER}"/>
    <bpmn:intermediateCatchEvent id="${SETTLE_TIMER}" name="Let the area settle">
      <bpmn:timerEventDefinition><bpmn:timeDuration>=settle</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="${SETTLE_TIMER}" targetRef="${READING_TASK}"/>
    <bpmn:serviceTask id="${READING_TASK}" name="Record a new gas reading">
      <bpmn:extensionElements><zeebe:taskDefinition type="${GAS_READING_JOB}" retries="3"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="${READING_TASK}" targetRef="cleared"/>
    <bpmn:endEvent id="cleared"/>
  </bpmn:process>
</bpmn:definitions>`;
