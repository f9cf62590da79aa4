import { describe, type Finding, type ProcessRule } from './rule-types.js';

const JOB_KINDS: ReadonlySet<string> = new Set(['serviceTask', 'sendTask', 'businessRuleTask']);

/**
 * Work the engine hands out must say which worker does it. Business rule tasks may instead name a
 * SafeFlow rule set or a DMN decision (`zeebe:calledDecision`); message throw events are jobs in
 * Camunda 8. Script tasks need a FEEL script or a job.
 */
export const checkJobTypes: ProcessRule = ({ process }) => {
  const findings: Finding[] = [];
  for (const node of process.nodes.values()) {
    const isMessageThrow =
      (node.kind === 'intermediateThrowEvent' || node.kind === 'endEvent') &&
      node.trigger?.type === 'message';
    const decided =
      node.kind === 'businessRuleTask' &&
      (node.ruleSetId !== undefined || node.extensions?.calledDecision !== undefined);
    if ((JOB_KINDS.has(node.kind) && !decided) || isMessageThrow) {
      const type = node.job?.type;
      if (
        type === undefined ||
        (type.kind === 'static' && type.value.trim() === '') ||
        (type.kind === 'feel' && type.source === '')
      ) {
        findings.push({
          code: 'missing-job-type',
          message: `${describe(node)} has no job type: add a zeebe:taskDefinition with a type${node.kind === 'businessRuleTask' ? ' (or an sf:ruleSet / zeebe:calledDecision)' : ''}`,
          elementId: node.id,
        });
      }
    }
    if (node.kind === 'scriptTask' && node.job === undefined && node.script === undefined) {
      findings.push({
        code: 'missing-script',
        message: `${describe(node)} has neither a zeebe:script FEEL expression nor a job type`,
        elementId: node.id,
      });
    }
  }
  return findings;
};

/** Call activities must name the process they call. */
export const checkCallActivities: ProcessRule = ({ process }) => {
  const findings: Finding[] = [];
  for (const node of process.nodes.values()) {
    if (node.kind !== 'callActivity') continue;
    const id = node.call?.processId;
    if (id === undefined || (id.kind === 'static' ? id.value.trim() === '' : id.source === '')) {
      findings.push({
        code: 'missing-called-element',
        message: `${describe(node)} does not say which process to call: add zeebe:calledElement processId`,
        elementId: node.id,
      });
    }
  }
  return findings;
};

/**
 * Extensions Zeebe would act on but SafeFlow ignores: reported so nobody is surprised. A legacy
 * zeebe:taskDefinition on a user task is ignored by Zeebe too.
 */
export const checkIgnoredExtensions: ProcessRule = ({ process, raw }) => {
  const findings: Finding[] = [];
  for (const node of process.nodes.values()) {
    const values: any[] = raw(node.id)?.extensionElements?.values ?? [];
    for (const value of values) {
      const type = value?.$type;
      if (node.kind === 'userTask' && type === 'zeebe:TaskDefinition') {
        findings.push({
          code: 'ignored-task-definition',
          message: `${describe(node)} carries a legacy zeebe:taskDefinition; it is ignored (user tasks are handled by SafeFlow)`,
          elementId: node.id,
          severity: 'warning',
        });
      }
      if (type === 'zeebe:TaskListeners') {
        findings.push({
          code: 'ignored-listeners',
          message: `${describe(node)} declares ${type}; SafeFlow does not run Zeebe task listener jobs and ignores them (execution listeners are run)`,
          elementId: node.id,
          severity: 'warning',
        });
      }
    }
  }
  return findings;
};
