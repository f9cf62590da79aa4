import { describe, expect, it } from 'vitest';
import { compileFixture } from '../support/fixtures.js';

describe('compile events', () => {
  it('given message events, then compiles names, correlation keys, receive tasks, eventDefinitionRef and message jobs', async () => {
    const { node, process } = await compileFixture('compile/message-events.bpmn');
    expect(node('messages', 'start').trigger).toEqual({
      type: 'message',
      name: { kind: 'static', value: 'permit-requested' },
    });
    expect(process('messages').root.triggeredStartIds).toEqual(['start']);
    expect(process('messages').root.noneStartId).toBeUndefined();
    expect(node('messages', 'waitGas').trigger).toEqual({
      type: 'message',
      name: { kind: 'feel', source: '"gas-reading-" + site' },
      correlationKey: { kind: 'feel', source: 'permitId' },
    });
    const closed = {
      type: 'message',
      name: { kind: 'static', value: 'permit-closed' },
      correlationKey: { kind: 'feel', source: 'permitId' },
    };
    expect(node('messages', 'receiveClosed')).toMatchObject({
      kind: 'receiveTask',
      trigger: closed,
    });
    expect(node('messages', 'byRef').trigger).toEqual(closed);
    expect(node('messages', 'end').job?.type).toEqual({ kind: 'static', value: 'send-closure' });
  });

  it('given timer, signal, error, escalation and terminate events, then compiles their triggers', async () => {
    const { node, process } = await compileFixture(
      'compile/timer-signal-error-escalation-events.bpmn',
    );
    expect(node('events', 'cycleStart').trigger).toEqual({
      type: 'timer',
      timer: { kind: 'cycle', expr: { kind: 'static', value: 'R/PT1H' } },
    });
    expect(node('events', 'waitDuration').trigger).toEqual({
      type: 'timer',
      timer: { kind: 'duration', expr: { kind: 'static', value: 'PT15M' } },
    });
    expect(node('events', 'waitDate').trigger).toEqual({
      type: 'timer',
      timer: { kind: 'date', expr: { kind: 'feel', source: 'permit.validFrom' } },
    });
    expect(node('events', 'throwSignal').trigger).toEqual({
      type: 'signal',
      name: { kind: 'static', value: 'evacuate' },
    });
    expect(node('events', 'signalStart').trigger).toEqual({
      type: 'signal',
      name: { kind: 'static', value: 'evacuate' },
    });
    expect(node('events', 'throwEscalation').trigger).toEqual({
      type: 'escalation',
      escalationCode: 'LATE',
    });
    expect(node('events', 'errorEnd').trigger).toEqual({ type: 'error', errorCode: 'GAS_HIGH' });
    expect(node('events', 'terminateEnd').trigger).toEqual({ type: 'terminate' });
    expect(process('events').root.triggeredStartIds).toEqual(['cycleStart', 'signalStart']);
  });

  it('given boundary events, then compiles attachment, interrupting flag and the activity boundary list', async () => {
    const { node } = await compileFixture('compile/boundary-events.bpmn');
    expect(node('boundaries', 'work').boundaryEventIds).toEqual([
      'timeout',
      'abortNote',
      'anyError',
    ]);
    expect(node('boundaries', 'timeout')).toMatchObject({
      kind: 'boundaryEvent',
      attachedTo: 'work',
      interrupting: true,
    });
    expect(node('boundaries', 'abortNote')).toMatchObject({
      attachedTo: 'work',
      interrupting: false,
      trigger: { type: 'message' },
    });
    expect(node('boundaries', 'anyError').trigger).toEqual({ type: 'error', errorCode: undefined });
    expect(node('boundaries', 'timeout').outgoing).toEqual(['f3']);
  });

  it('given link events, then registers the catch by link name in its container', async () => {
    const { node, process } = await compileFixture('compile/link-events.bpmn');
    expect(node('links', 'jump').trigger).toEqual({ type: 'link', linkName: 'toEnd' });
    expect(process('links').root.linkCatches).toEqual({ toEnd: 'landing' });
  });
});
