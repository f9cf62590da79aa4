import { describe, expect, it } from 'vitest';
import { loadBpmn } from '../../src/load-bpmn.js';
import type { Problem } from '../../src/model/index.js';
import { fixtureText, lineOf } from '../support/fixtures.js';

async function problemsOf(name: string): Promise<{ text: string; problems: Problem[] }> {
  const text = fixtureText(`validate/${name}.bpmn`);
  const result = await loadBpmn(text, { lint: false });
  return { text, problems: result.ok ? result.warnings : result.problems };
}

/** Asserts one error per element id with the code, the element's line, and returns them. */
async function expectErrors(name: string, code: string, elementIds: string[]): Promise<Problem[]> {
  const { text, problems } = await problemsOf(name);
  const found = problems.filter((p) => p.code === code);
  expect(found.map((p) => p.elementId)).toEqual(elementIds);
  for (const problem of found) {
    expect(problem.severity).toBe('error');
    expect(problem.line).toBe(lineOf(text, problem.elementId!));
    expect(problem.message).toContain(problem.elementId);
  }
  const result = await loadBpmn(text, { lint: false });
  expect(result.ok).toBe(false);
  return found;
}

describe('validation rules', () => {
  it('given JavaScript and JUEL conditions, then refuses them naming the flow and FEEL', async () => {
    const found = await expectErrors('javascript-condition', 'javascript-not-allowed', [
      'jsFlow',
      'juelFlow',
    ]);
    expect(found[0]?.message).toMatch(/javascript.*FEEL/i);
    expect(found[1]?.message).toContain('${approved}');
  });

  it('given a JavaScript script task and a JUEL service implementation, then refuses both (and no follow-up noise)', async () => {
    await expectErrors('javascript-script', 'javascript-not-allowed', ['jsScript', 'juelService']);
    const { problems } = await problemsOf('javascript-script');
    expect(
      problems.filter((p) => p.code === 'missing-job-type' || p.code === 'missing-script'),
    ).toEqual([]);
  });

  it('given a FEEL syntax error, then reports feel-syntax naming element and expression', async () => {
    const [problem] = await expectErrors('feel-syntax-error', 'feel-syntax', ['task']);
    expect(problem?.message).toContain('"a +"');
  });

  it('given a gateway without outgoing flow, then reports gateway-no-outgoing', async () => {
    await expectErrors('gateway-no-outgoing', 'gateway-no-outgoing', ['deadEnd']);
  });

  it('given a non-default flow without condition out of a deciding gateway, then reports missing-condition', async () => {
    await expectErrors('missing-condition', 'missing-condition', ['noCondition']);
  });

  it('given an executable process without start event, then reports no-start-event', async () => {
    await expectErrors('no-start-event', 'no-start-event', ['startless']);
  });

  it('given job-based elements without job type, then reports missing-job-type', async () => {
    await expectErrors('missing-job-type', 'missing-job-type', ['service', 'rule', 'messageEnd']);
  });

  it('given a message catch without message name, then reports missing-message-name', async () => {
    await expectErrors('missing-message-name', 'missing-message-name', ['start']);
  });

  it('given message waits without correlation key, then reports missing-correlation-key', async () => {
    await expectErrors('missing-correlation-key', 'missing-correlation-key', [
      'wait',
      'receive',
      'onMessage',
    ]);
  });

  it('given a non-ISO timer and a timer without definition, then reports invalid-timer (and accepts R3/PT10M)', async () => {
    await expectErrors('invalid-timer', 'invalid-timer', ['badDuration', 'noDefinition']);
  });

  it('given a negative loopMaximum, then reports invalid-loop-maximum', async () => {
    await expectErrors('invalid-loop-maximum', 'invalid-loop-maximum', ['loop']);
  });

  it('given a link throw without catch, then reports link-no-catch', async () => {
    await expectErrors('link-no-catch', 'link-no-catch', ['jump']);
  });

  it('given an event-based gateway leading to a task, then reports invalid-event-gateway-target', async () => {
    const [problem] = await expectErrors(
      'invalid-event-gateway-target',
      'invalid-event-gateway-target',
      ['race'],
    );
    expect(problem?.message).toContain('task');
  });

  it('given a call activity without process id, then reports missing-called-element', async () => {
    await expectErrors('missing-called-element', 'missing-called-element', ['call']);
  });
});

describe('bpmnlint recommended rules', () => {
  it('given a superfluous gateway, then reports a lint warning and still loads', async () => {
    const text = fixtureText('validate/lint-superfluous-gateway.bpmn');
    const result = await loadBpmn(text);
    expect(result.ok).toBe(true);
    const warnings = result.ok ? result.warnings : [];
    const lint = warnings.find((p) => p.code === 'lint/superfluous-gateway');
    expect(lint).toMatchObject({
      elementId: 'passThrough',
      severity: 'warning',
      line: lineOf(text, 'passThrough'),
    });
  });

  it('given lint disabled, then reports no lint warnings', async () => {
    const result = await loadBpmn(fixtureText('validate/lint-superfluous-gateway.bpmn'), {
      lint: false,
    });
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });
});
