import { describe, expect, it } from 'vitest';
import { compileFixture } from '../support/fixtures.js';

describe('compile tasks', () => {
  it('given a service task with zeebe extensions, then compiles job, headers and io mappings', async () => {
    const { node, problems } = await compileFixture('compile/service-task-job.bpmn');
    expect(problems).toEqual([]);
    const check = node('jobs', 'check');
    expect(check).toMatchObject({
      kind: 'serviceTask',
      bpmnType: 'bpmn:ServiceTask',
      name: 'Check isolation',
      containerId: 'jobs',
    });
    expect(check.job).toEqual({
      type: { kind: 'feel', source: '"isolation-" + site' },
      retries: { kind: 'static', value: '5' },
      headers: { system: 'scada' },
    });
    expect(check.inputs).toEqual([
      { source: { kind: 'feel', source: 'permit.id' }, target: 'permitId' },
      { source: { kind: 'static', value: 'plant-7' }, target: 'site' },
    ]);
    expect(check.outputs).toEqual([
      { source: { kind: 'feel', source: 'result.ok' }, target: 'isolated' },
    ]);
    expect(check.incoming).toEqual(['f1']);
    expect(check.outgoing).toEqual(['f2']);
  });

  it('given a task definition without retries, then retries default to "3"', async () => {
    const { node } = await compileFixture('compile/service-task-job.bpmn');
    expect(node('jobs', 'notify').job).toEqual({
      type: { kind: 'static', value: 'notify' },
      retries: { kind: 'static', value: '3' },
      headers: {},
    });
  });

  it('given user tasks with zeebe and sf extensions, then compiles the user task definition and keeps sf data', async () => {
    const { node } = await compileFixture('compile/user-task-extensions.bpmn');
    const approve = node('userTasks', 'approve');
    expect(approve.job).toBeUndefined(); // legacy zeebe:taskDefinition on a user task is ignored
    expect(approve.userTask).toEqual({
      assignee: { kind: 'feel', source: 'issuer' },
      candidateGroups: { kind: 'static', value: 'safety, ops' },
      candidateUsers: { kind: 'feel', source: '["ann"]' },
      candidateRoles: { kind: 'static', value: 'area-authority' },
      formKey: 'camunda-forms:bpmn:permitForm',
      embeddedForm: '{"components":[{"key":"ok","type":"checkbox"}]}',
      dueDate: { kind: 'feel', source: 'now() + duration("PT4H")' },
      followUpDate: { kind: 'static', value: '2030-01-01T08:00:00Z' },
      priority: { kind: 'feel', source: '80' },
    });
    expect(approve.extensions).toEqual({
      assignment: { candidateRoles: 'area-authority', site: 'plant-7' },
      gates: [
        {
          id: 'gas-test',
          gateType: 'gasTest',
          onFail: 'block',
          factRef: 'facts.gas',
          parameters: [{ name: 'maxO2', value: '23.5' }],
        },
        { id: 'lockout', gateType: 'lockout', onFail: 'override' },
      ],
      risk: { level: 'high', score: 8 },
    });
    const review = node('userTasks', 'review');
    expect(review.userTask).toEqual({ formKey: 'sf-review', formId: 'review-form' });
    expect(review.extensions).toEqual({
      form: { formKey: 'sf-review', schemaRef: 'schemas/review.json' },
    });
  });

  it('given business rule and script tasks, then compiles rule sets, decisions, FEEL scripts and script jobs', async () => {
    const { node } = await compileFixture('compile/business-rule-and-script-tasks.bpmn');
    const ruleSet = node('rules', 'ruleSet');
    expect(ruleSet.ruleSetId).toBe('hot-work');
    expect(ruleSet.job).toBeUndefined();
    expect(ruleSet.extensions).toEqual({
      ruleSet: { ruleSetId: 'hot-work', resultVariable: 'ruling' },
    });
    expect(node('rules', 'decision').extensions).toEqual({
      calledDecision: { decisionId: 'riskMatrix', resultVariable: 'risk', bindingType: 'latest' },
    });
    expect(node('rules', 'feelScript').script).toEqual({
      expression: { kind: 'feel', source: 'risk.score * 2' },
      resultVariable: 'doubled',
    });
    expect(node('rules', 'jobScript')).toMatchObject({
      job: { type: { kind: 'static', value: 'script-worker' } },
    });
    expect(node('rules', 'jobScript').script).toBeUndefined();
    expect(node('rules', 'bodyScript').script).toEqual({
      expression: { kind: 'feel', source: '1 + 2' },
    });
    expect(node('rules', 'manual').kind).toBe('manualTask');
    expect(node('rules', 'plain').kind).toBe('task');
  });

  it('given call activities, then compiles the called element with Zeebe defaults', async () => {
    const { node } = await compileFixture('compile/call-activity.bpmn');
    expect(node('caller', 'callDefaults').call).toEqual({
      processId: { kind: 'static', value: 'isolation-procedure' },
      bindingType: 'latest',
      versionTag: undefined,
      propagateAllChildVariables: true,
      propagateAllParentVariables: true,
    });
    expect(node('caller', 'callPinned').call).toEqual({
      processId: { kind: 'feel', source: 'procedureId' },
      bindingType: 'versionTag',
      versionTag: 'v2',
      propagateAllChildVariables: false,
      propagateAllParentVariables: false,
    });
  });
});
