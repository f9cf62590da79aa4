/**
 * The README rules of ../shared/conformance, asserted on a full run of the import corpora:
 *
 * - miwg: every model imports (`importBpmn`; deployable or not), nothing refused or crashed.
 * - bpmn-engine: a model is refused iff it relies on JavaScript (the runner's own xml-scan), and then
 *   with a `javascript-not-allowed` problem that names an element and says to use FEEL; every other
 *   model imports.
 * - camunda8: the three parse-only fixtures import; the executable models run, and the processes
 *   that do not reach their first wait states are exactly the listed expected misses.
 * - miwg-vendor: each model imports or is refused with structured problems; nothing crashes.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { CAMUNDA8_EXPECTED_MISSES, classifyMisses } from './camunda8-expected-misses.js';
import { isParseOnly, loadManifest } from './camunda8-runner.js';
import { runConformance, type ConformanceResults } from './conformance-run.js';
import { conformanceRoot, corpusNames, hasConformanceCorpora } from './corpus-paths.js';
import { javascriptVerdict, reliesOnJavaScript, type ImportOutcome } from './import-check.js';

const available = hasConformanceCorpora();
if (!available) console.warn('import-corpora.test.ts: ../shared/conformance not found, skipped');

const imported = (o: ImportOutcome): boolean =>
  o.status === 'imported' || o.status === 'not-deployable';
const describeOutcome = (o: ImportOutcome): string =>
  `${o.file}: ${o.status}${o.crash ? ` (${o.crash})` : ''}${
    o.status === 'refused' ? ` ${o.problems.map((p) => p.code).join(', ')}` : ''
  }`;

describe.skipIf(!available)('conformance corpora import', () => {
  let results: ConformanceResults;

  beforeAll(async () => {
    results = await runConformance(conformanceRoot(), { tiers: [] });
  }, 600_000);

  it.each(corpusNames)('%s: nothing throws, hangs or crashes', (corpus) => {
    const list = results.imports[corpus];
    expect(list.length).toBeGreaterThan(0);
    const crashed = list.filter((o) => o.status === 'crashed').map(describeOutcome);
    expect(crashed, `${crashed.length} of ${list.length} files crashed`).toEqual([]);
  });

  it('miwg: every reference model imports (deployable or not)', () => {
    const list = results.imports.miwg;
    expect(list.every((o) => o.check === 'import')).toBe(true);
    expect(list.filter((o) => !imported(o)).map(describeOutcome)).toEqual([]);
  });

  it('miwg: C.8.1 imports with its unresolvable triso: reference reported as a warning', () => {
    const c81 = results.imports.miwg.find((o) => o.file === 'C.8.1.bpmn');
    expect(c81 && imported(c81)).toBe(true);
    expect(c81?.warnings.some((p) => p.code === 'unresolved-foreign-reference')).toBe(true);
  });

  it('miwg-vendor: every export imports or is refused with structured problems', () => {
    const list = results.imports['miwg-vendor'];
    expect(list.every((o) => o.check === 'import')).toBe(true);
    const wrong = list
      .filter(
        (o) =>
          !imported(o) &&
          !(
            o.status === 'refused' &&
            o.problems.length > 0 &&
            o.problems.every((p) => p.code !== '' && p.message !== '' && p.code !== 'unknown')
          ),
      )
      .map(describeOutcome);
    expect(wrong).toEqual([]);
  });

  it('bpmn-engine: refused iff the model relies on JavaScript, then with javascript-not-allowed naming an element', () => {
    const list = results.imports['bpmn-engine'];
    expect(list.every((o) => o.check === 'import')).toBe(true);
    // Both directions, file by file: JavaScript ⇔ refused (with the problem), else imported.
    const rows = list.map((o) => ({
      file: o.file,
      javascript: reliesOnJavaScript(o).length > 0,
      status: o.status,
      verdict: javascriptVerdict(o),
    }));
    expect(rows.filter((r) => !r.verdict.ok).map((r) => `${r.file}: ${r.verdict.note}`)).toEqual(
      [],
    );
    for (const r of rows) {
      expect([r.file, r.status === 'refused']).toEqual([r.file, r.javascript]);
    }
    // The corpus does exercise both sides of the rule.
    expect(rows.some((r) => r.javascript)).toBe(true);
    expect(rows.some((r) => !r.javascript)).toBe(true);
  });

  it('camunda8: the three parse-only fixtures import', () => {
    const parseOnly = loadManifest(conformanceRoot())
      .filter(isParseOnly)
      .map((e) => e.file.replace(/^models\//, ''))
      .sort();
    expect(parseOnly).toHaveLength(3);
    const outcomes = results.imports.camunda8.filter((o) => parseOnly.includes(o.file));
    expect(outcomes.map((o) => [o.file, o.check, imported(o)])).toEqual(
      parseOnly.map((file) => [file, 'import', true]),
    );
  });

  it('camunda8: the processes missing their first wait states are exactly the expected misses', () => {
    const runs = results.camunda8Runs.flatMap((o) => o.runs);
    expect(runs.length).toBeGreaterThan(0);
    const misses = classifyMisses(results.camunda8Runs, results.imports.camunda8);
    const notes = new Map(
      results.camunda8Runs.flatMap((o) =>
        o.runs.map((r) => [
          `${o.file}#${r.processId}`,
          `missing ${r.missing.join(', ')}${r.note ? ` (${r.note})` : ''}`,
        ]),
      ),
    );
    expect(
      misses.unexpectedMisses.map((k) => `${k}: ${notes.get(k) ?? ''}`),
      'processes that miss their first wait states but are not listed as expected misses',
    ).toEqual([]);
    expect(
      misses.unexpectedPasses,
      'listed expected misses that no longer miss: remove them from camunda8-expected-misses.ts',
    ).toEqual([]);
    expect(
      misses.expected.filter((m) => !m.evidence).map((m) => `${m.run} (${m.group.title})`),
      'expected misses that miss for another reason than the listed one',
    ).toEqual([]);
    const listed = CAMUNDA8_EXPECTED_MISSES.flatMap((g) => g.misses.map((m) => m.run)).sort();
    expect(misses.expected.map((m) => m.run).sort()).toEqual(listed);
  });
});
