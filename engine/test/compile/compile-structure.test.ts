import { describe, expect, it } from 'vitest';
import { compileFixture } from '../support/fixtures.js';

describe('compile structure', () => {
  it('given a sub-process and an event sub-process, then compiles nested containers', async () => {
    const { process, node } = await compileFixture(
      'compile/sub-process-and-event-sub-process.bpmn',
    );
    const model = process('nested');
    expect(model.root).toEqual({
      id: 'nested',
      nodeIds: ['start', 'sub', 'end', 'onTimeout'],
      noneStartId: 'start',
      triggeredStartIds: [],
      eventSubProcessIds: ['onTimeout'],
      linkCatches: {},
    });
    expect(node('nested', 'sub').kind).toBe('subProcess');
    expect(node('nested', 'sub').container).toMatchObject({
      id: 'sub',
      nodeIds: ['subStart', 'inner', 'subEnd'],
      noneStartId: 'subStart',
    });
    expect(node('nested', 'inner').containerId).toBe('sub');
    expect(node('nested', 'onTimeout').kind).toBe('eventSubProcess');
    expect(node('nested', 'onTimeout').container).toMatchObject({
      triggeredStartIds: ['timeoutStart'],
    });
    expect(node('nested', 'timeoutStart')).toMatchObject({
      containerId: 'onTimeout',
      interrupting: false,
    });
    expect([...model.containers.keys()]).toEqual(['nested', 'sub', 'onTimeout']);
    expect(model.flows.get('s1')).toEqual({
      id: 's1',
      sourceId: 'subStart',
      targetId: 'inner',
      isDefault: false,
    });
  });

  it('given multi-instance and standard loops, then compiles loop definitions', async () => {
    const { node } = await compileFixture('compile/loops.bpmn');
    expect(node('loops', 'perArea').loop).toEqual({
      kind: 'multiInstance',
      sequential: true,
      inputCollection: { kind: 'feel', source: 'areas' },
      inputElement: 'area',
      outputCollection: 'results',
      outputElement: { kind: 'feel', source: 'result' },
      cardinality: undefined,
      completionCondition: { kind: 'feel', source: 'count(results) >= 2' },
    });
    expect(node('loops', 'threeTimes').loop).toMatchObject({
      kind: 'multiInstance',
      sequential: false,
      cardinality: { kind: 'feel', source: '3' },
    });
    expect(node('loops', 'retry').loop).toEqual({
      kind: 'standard',
      condition: { kind: 'feel', source: 'attempts < 3' },
      testBefore: true,
      maximum: 5,
    });
  });

  it('given gateway conditions with and without "=" and a default flow, then compiles FEEL conditions and isDefault', async () => {
    const { process, node } = await compileFixture('compile/gateway-conditions-and-default.bpmn');
    const flows = process('decide').flows;
    expect(flows.get('high')).toMatchObject({
      condition: { kind: 'feel', source: 'score > 7' },
      isDefault: false,
    });
    expect(flows.get('medium')).toMatchObject({
      condition: { kind: 'feel', source: 'score > 3' },
      isDefault: false,
    });
    expect(flows.get('low')).toEqual({
      id: 'low',
      sourceId: 'risk',
      targetId: 'end',
      isDefault: true,
    });
    expect(node('decide', 'risk')).toMatchObject({
      defaultFlow: 'low',
      outgoing: ['high', 'medium', 'low'],
    });
  });

  it('given unsupported constructs, then lists them in unsupported without throwing', async () => {
    const { process } = await compileFixture('compile/unsupported-constructs.bpmn');
    const unsupported = process('exotic').unsupported;
    expect(unsupported.map((u) => [u.elementId, u.type])).toEqual([
      ['complex', 'bpmn:ComplexGateway'],
      ['tx', 'bpmn:Transaction'],
      ['waitCondition', 'bpmn:IntermediateCatchEvent'],
      ['multiple', 'bpmn:IntermediateCatchEvent'],
      ['compensate', 'bpmn:IntermediateThrowEvent'],
      ['adhoc', 'bpmn:AdHocSubProcess'],
      ['undo', 'bpmn:Task'],
    ]);
    expect(unsupported.every((u) => u.reason.length > 0)).toBe(true);
  });

  it('given a collaboration, then compiles every participant process once with its executable flag', async () => {
    const { compiled } = await compileFixture('compile/collaboration-participants.bpmn');
    expect(compiled.id).toBe('defs');
    expect(compiled.processes.map((p) => [p.id, p.isExecutable])).toEqual([
      ['issuer', true],
      ['contractor', false],
    ]);
  });
});
