import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importBpmn } from '../../src/import-bpmn.js';
import { loadBpmn } from '../../src/load-bpmn.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url));

/** importBpmn's problems of one fixture, whatever the outcome. */
async function importFixture(name: string) {
  const result = await importBpmn(fixture(name), { lint: false });
  return { result, codes: result.problems.map((p) => p.code) };
}

describe('importBpmn', () => {
  it('given a JavaScript script task, when imported, then refuses it naming the element and FEEL', async () => {
    const { result } = await importFixture('javascript-script.bpmn');
    expect(result.ok).toBe(false);
    const problem = result.problems.find((p) => p.code === 'javascript-not-allowed');
    expect(problem).toMatchObject({ elementId: 'compute', severity: 'error', line: 6 });
    expect(problem?.message).toMatch(/JavaScript.*FEEL/);
  });

  it('given a service task without job type, when imported, then imports it as not deployable', async () => {
    const { result } = await importFixture('missing-job-type.bpmn');
    expect(result).toMatchObject({ ok: true, deployable: false });
    if (!result.ok) return;
    expect(result.definitions.processes.map((p) => p.id)).toEqual(['p']);
    expect(result.problems).toContainEqual(
      expect.objectContaining({ code: 'missing-job-type', elementId: 'notify', severity: 'error' }),
    );
    // Deploy semantics are unchanged: loadBpmn still refuses it.
    expect((await loadBpmn(fixture('missing-job-type.bpmn'), { lint: false })).ok).toBe(false);
  });

  it('given a reference into a vendor namespace (triso:), when imported or loaded, then only warns', async () => {
    const { result } = await importFixture('foreign-reference.bpmn');
    expect(result).toMatchObject({ ok: true, deployable: true });
    const problem = result.problems.find((p) => p.code === 'unresolved-foreign-reference');
    expect(problem).toMatchObject({ elementId: 'issue', severity: 'warning' });
    expect(problem?.message).toContain('triso:unspecified');
    expect(result.problems.filter((p) => p.code === 'unresolved-reference')).toEqual([]);
    const loaded = await loadBpmn(fixture('foreign-reference.bpmn'), { lint: false });
    expect(loaded.ok).toBe(true);
  });

  it('given JUEL/XPath-era expressions in a file declaring XPath, then imports them as not deployable (not JavaScript)', async () => {
    const { result, codes } = await importFixture('xpath-juel-expressions.bpmn');
    expect(result).toMatchObject({ ok: true, deployable: false });
    expect(codes).not.toContain('javascript-not-allowed');
    const found = result.problems.filter((p) => p.code === 'unsupported-expression-language');
    expect(found.map((p) => p.elementId).sort()).toEqual(['approved', 'archive']);
    expect(found.every((p) => p.severity === 'error' && /FEEL/.test(p.message))).toBe(true);
  });

  it('given the BPMN 2.0 beta namespace and a dangling flow in a non-executable process, then imports it as not deployable', async () => {
    const { result, codes } = await importFixture('legacy-namespace-dangling-flow.bpmn');
    expect(result).toMatchObject({ ok: true, deployable: false });
    expect(codes).toContain('legacy-bpmn-namespace');
    expect(result.problems).toContainEqual(
      expect.objectContaining({ code: 'unresolved-reference', elementId: 'f2', severity: 'error' }),
    );
  });

  it('given a dangling flow in an executable process, then refuses import', async () => {
    const { result } = await importFixture('dangling-flow-executable.bpmn');
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(
      expect.objectContaining({ code: 'unresolved-reference', elementId: 'f1' }),
    );
  });

  it('given malformed XML, then refuses import with xml-syntax', async () => {
    const result = await importBpmn('<bpmn:definitions', { lint: false });
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ code: 'xml-syntax', severity: 'error' });
  });
});
