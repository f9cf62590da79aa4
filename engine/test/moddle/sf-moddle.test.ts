import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createModdle } from '../../src/moddle/create-moddle.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/moddle/${name}`, import.meta.url), 'utf8');

async function read(name: string, type: string) {
  const { rootElement, warnings } = await createModdle().fromXML(fixture(name), type);
  expect(warnings).toEqual([]);
  return rootElement;
}

describe('sf moddle descriptor', () => {
  describe('read', () => {
    it('reads sf:gate with its parameters', async () => {
      const gate = await read('gate.part.bpmn', 'sf:Gate');
      expect(gate.$type).toBe('sf:Gate');
      expect(gate).toMatchObject({
        id: 'gas-test',
        gateType: 'gasTest',
        description: 'Atmosphere tested',
        onFail: 'override',
        factRef: 'facts.gas',
      });
      expect(gate.parameters.map((p: any) => [p.$type, p.name, p.value])).toEqual([
        ['sf:GateParameter', 'maxO2', '23.5'],
        ['sf:GateParameter', 'minO2', '19.5'],
      ]);
    });

    it('defaults a gate onFail to block', async () => {
      const { rootElement } = await createModdle().fromXML(
        '<sf:gate xmlns:sf="http://safeflow.io/schema/bpmn/1.0" id="g" />',
        'sf:Gate',
      );
      expect(rootElement.onFail).toBe('block');
    });

    it('reads sf:form', async () => {
      expect(await read('form.part.bpmn', 'sf:Form')).toMatchObject({
        formKey: 'permit-request',
        schemaRef: 'schemas/permit-request.json',
      });
    });

    it('reads sf:ruleSet', async () => {
      expect(await read('rule-set.part.bpmn', 'sf:RuleSet')).toMatchObject({
        ruleSetId: 'hot-work-rules',
        resultVariable: 'ruling',
      });
    });

    it('reads sf:assignment', async () => {
      expect(await read('assignment.part.bpmn', 'sf:Assignment')).toMatchObject({
        candidateRoles: 'area-authority,issuer',
        site: 'plant-7',
      });
    });

    it('reads sf:risk with a numeric score', async () => {
      expect(await read('risk.part.bpmn', 'sf:Risk')).toMatchObject({ level: 'high', score: 7.5 });
    });

    it('reads sf extensions inside bpmn:extensionElements', async () => {
      const task = await read('extension-elements.part.bpmn', 'bpmn:UserTask');
      expect(task.extensionElements.values.map((v: any) => v.$type)).toEqual([
        'sf:Gate',
        'sf:Form',
        'sf:Assignment',
        'sf:Risk',
      ]);
    });
  });

  describe('write', () => {
    it('writes an sf:gate created in code', async () => {
      const moddle = createModdle();
      const gate = moddle.create('sf:Gate', {
        id: 'permit-signed',
        gateType: 'signature',
        parameters: [moddle.create('sf:GateParameter', { name: 'role', value: 'issuer' })],
      });
      const { xml } = await moddle.toXML(gate);
      expect(xml).toBe(
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
          '<sf:gate xmlns:sf="http://safeflow.io/schema/bpmn/1.0" id="permit-signed" gateType="signature">' +
          '<sf:gateParameter name="role" value="issuer" /></sf:gate>',
      );
    });
  });

  describe('round-trip', () => {
    it.each([
      ['gate.part.bpmn', 'sf:Gate'],
      ['form.part.bpmn', 'sf:Form'],
      ['rule-set.part.bpmn', 'sf:RuleSet'],
      ['assignment.part.bpmn', 'sf:Assignment'],
      ['risk.part.bpmn', 'sf:Risk'],
      ['extension-elements.part.bpmn', 'bpmn:UserTask'],
    ])('%s reads back to the same element after writing', async (name, type) => {
      const moddle = createModdle();
      const first = (await moddle.fromXML(fixture(name), type)).rootElement;
      const { xml } = await moddle.toXML(first);
      const second = await moddle.fromXML(xml, type);
      expect(second.warnings).toEqual([]);
      const { xml: again } = await moddle.toXML(second.rootElement);
      expect(again).toBe(xml);
      expect(JSON.parse(JSON.stringify(second.rootElement))).toEqual(
        JSON.parse(JSON.stringify(first)),
      );
    });
  });
});
