/**
 * Every corpus file imports without an exception (imported, or refused with structured problems),
 * bpmn-engine models relying on JavaScript are refused with `javascript-not-allowed`, and every
 * executable camunda8 model reaches its first wait states.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { runConformance, type ConformanceResults } from './conformance-run.js';
import { conformanceRoot, corpusNames, hasConformanceCorpora } from './corpus-paths.js';
import { javascriptVerdict } from './import-check.js';

const available = hasConformanceCorpora();
if (!available) console.warn('import-corpora.test.ts: ../shared/conformance not found, skipped');

describe.skipIf(!available)('conformance corpora import', () => {
  let results: ConformanceResults;

  beforeAll(async () => {
    results = await runConformance(conformanceRoot(), { tiers: [] });
  }, 600_000);

  it.each(corpusNames)('%s: nothing throws, hangs or crashes on import', (corpus) => {
    const list = results.imports[corpus];
    expect(list.length).toBeGreaterThan(0);
    const crashed = list
      .filter((o) => o.status === 'crashed')
      .map((o) => `${o.file}: ${o.crash ?? ''}`);
    expect(crashed, `${crashed.length} of ${list.length} files crashed the import`).toEqual([]);
    const unstructured = list
      .filter(
        (o) =>
          o.status === 'refused' &&
          (o.problems.length === 0 || o.problems.some((p) => !p.code || !p.message)),
      )
      .map((o) => o.file);
    expect(unstructured, 'refusals without structured problems').toEqual([]);
  });

  it('bpmn-engine: models relying on JavaScript are refused with javascript-not-allowed', () => {
    const wrong = results.imports['bpmn-engine']
      .filter((o) => o.javascript.some((f) => f.kind === 'execution'))
      .map((o) => ({ file: o.file, verdict: javascriptVerdict(o) }))
      .filter((x) => !x.verdict.ok)
      .map((x) => `${x.file}: ${x.verdict.note}`);
    expect(wrong).toEqual([]);
  });

  it('camunda8: every executable model reaches its first wait states', () => {
    const runs = results.camunda8Runs.flatMap((o) => o.runs.map((r) => ({ file: o.file, ...r })));
    expect(runs.length).toBeGreaterThan(0);
    const missed = runs
      .filter((r) => r.verdict === 'not-reached')
      .map(
        (r) =>
          `${r.file} ${r.processId}: missing ${r.missing.join(', ')}${r.note ? ` (${r.note})` : ''}`,
      );
    expect(missed, `${missed.length} processes did not reach their first wait states`).toEqual([]);
  });
});
