import { describe, expect, it } from 'vitest';
import { loadBpmn } from '../../src/load-bpmn.js';
import { fixtureText, lineOf } from '../support/fixtures.js';

describe('unsupported elements and executability', () => {
  it('given unsupported constructs in an executable process, then refuses each with unsupported-element', async () => {
    const text = fixtureText('compile/unsupported-constructs.bpmn');
    const result = await loadBpmn(text, { lint: false });
    expect(result.ok).toBe(false);
    const problems = result.ok
      ? []
      : result.problems.filter((p) => p.code === 'unsupported-element');
    expect(problems.map((p) => p.elementId)).toEqual([
      'complex',
      'tx',
      'waitCondition',
      'multiple',
      'compensate',
      'adhoc',
      'undo',
    ]);
    expect(
      problems.every((p) => p.severity === 'error' && p.line === lineOf(text, p.elementId!)),
    ).toBe(true);
  });

  it('given the same constructs in a non-executable process, then only warns and loads', async () => {
    const result = await loadBpmn(
      fixtureText('compile/unsupported-in-non-executable-process.bpmn'),
      { lint: false },
    );
    expect(result.ok).toBe(true);
    const warnings = result.ok ? result.warnings : [];
    expect(warnings.filter((p) => p.code === 'unsupported-element')).toHaveLength(7);
    expect(warnings.every((p) => p.severity === 'warning')).toBe(true);
  });

  it('given a collaboration with a non-executable documentation pool, then loads and keeps both processes', async () => {
    const result = await loadBpmn(fixtureText('compile/collaboration-participants.bpmn'), {
      lint: false,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definitions.processes.map((p) => p.id)).toEqual(['issuer', 'contractor']);
    expect(result.warnings.map((p) => [p.code, p.elementId, p.severity])).toEqual([
      ['no-start-event', 'contractor', 'warning'],
      ['missing-job-type', 'undocumented', 'warning'],
    ]);
  });

  it('given a user task with a legacy zeebe:taskDefinition, then loads with an ignored-task-definition warning', async () => {
    const result = await loadBpmn(fixtureText('compile/user-task-extensions.bpmn'), {
      lint: false,
    });
    expect(result.ok).toBe(true);
    const warnings = result.ok ? result.warnings : [];
    expect(warnings.map((p) => [p.code, p.elementId])).toEqual([
      ['ignored-task-definition', 'approve'],
    ]);
  });

  it('given malformed XML or an unresolved reference, then refuses even without executable processes', async () => {
    const malformed = await loadBpmn(fixtureText('parse/malformed-xml.bpmn'));
    expect(malformed).toMatchObject({ ok: false, problems: [{ code: 'xml-syntax', line: 5 }] });
    const dangling = await loadBpmn(fixtureText('parse/unresolved-reference.bpmn'));
    expect(dangling.ok).toBe(false);
    expect(dangling.ok ? [] : dangling.problems.map((p) => p.code)).toContain(
      'unresolved-reference',
    );
  });

  it.each([
    'compile/service-task-job.bpmn',
    'compile/business-rule-and-script-tasks.bpmn',
    'compile/call-activity.bpmn',
    'compile/message-events.bpmn',
    'compile/timer-signal-error-escalation-events.bpmn',
    'compile/boundary-events.bpmn',
    'compile/sub-process-and-event-sub-process.bpmn',
    'compile/link-events.bpmn',
    'compile/loops.bpmn',
    'compile/gateway-conditions-and-default.bpmn',
  ])('given the valid fixture %s, then loads without errors', async (path) => {
    const result = await loadBpmn(fixtureText(path), { lint: false });
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});
