/**
 * Import of one corpus file: the engine's loader (`loadBpmn`, for the compiled model's unsupported
 * elements) and a deployment into a fresh engine (imported / refused with structured problems).
 * Any exception other than a refused deployment is a failure of the engine, recorded as such.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import {
  createEngine,
  deploymentProblems,
  describeError,
  loadModel,
  type ProblemLike,
  type UnsupportedLike,
} from './engine-access.js';
import type { CorpusName } from './corpus-paths.js';
import { findJavaScript, type JsFinding } from './xml-scan.js';

export type ImportStatus = 'imported' | 'refused' | 'crashed';

export interface ImportOutcome {
  corpus: CorpusName;
  file: string;
  /** Deployment into a fresh engine. */
  status: ImportStatus;
  /** Errors of a refused deployment; for `crashed`, the exception. */
  problems: ProblemLike[];
  /** Warnings of an accepted deployment. */
  warnings: ProblemLike[];
  processes: Array<{ id: string; isExecutable: boolean }>;
  /** Elements the engine does not execute (from the compiled model). */
  unsupported: UnsupportedLike[];
  /** Result of `loadBpmn`: `loaded`, `threw: ...` or `not available`. */
  loader: string;
  /** JavaScript found in the XML by the runner's own scan (bpmn-engine corpus). */
  javascript: JsFinding[];
  crash?: string;
}

export async function importFile(corpus: CorpusName, path: string): Promise<ImportOutcome> {
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  const outcome: ImportOutcome = {
    corpus,
    file: basename(path),
    status: 'imported',
    problems: [],
    warnings: [],
    processes: [],
    unsupported: [],
    loader: 'not available',
    javascript: corpus === 'bpmn-engine' ? findJavaScript(text) : [],
  };

  try {
    const loaded = await loadModel(new Uint8Array(bytes));
    if (loaded) {
      outcome.loader = 'loaded';
      outcome.processes = loaded.processes;
      outcome.unsupported = loaded.unsupported;
    }
  } catch (error) {
    outcome.loader = `threw: ${describeError(error)}`;
  }

  try {
    const engine = await createEngine(() => 0);
    const result = await engine.deploy([{ name: basename(path), content: new Uint8Array(bytes) }]);
    outcome.warnings = (result.warnings ?? []).map((w) => ({ ...w }));
    if (outcome.processes.length === 0) {
      outcome.processes = result.processes.map((p) => ({ id: p.id, isExecutable: true }));
    }
  } catch (error) {
    const problems = deploymentProblems(error);
    if (problems) {
      outcome.status = 'refused';
      outcome.problems = problems;
    } else {
      outcome.status = 'crashed';
      outcome.crash = describeError(error);
    }
  }
  if (outcome.loader.startsWith('threw') && outcome.status !== 'crashed') {
    outcome.status = 'crashed';
    outcome.crash = `loadBpmn ${outcome.loader}`;
  }
  return outcome;
}

/** For the bpmn-engine corpus: whether the outcome agrees with the FEEL-only rule. */
export function javascriptVerdict(outcome: ImportOutcome): { ok: boolean; note: string } {
  const execution = outcome.javascript.filter((f) => f.kind === 'execution');
  const jsRefusal = outcome.problems.filter((p) => p.code === 'javascript-not-allowed');
  if (execution.length > 0) {
    if (outcome.status === 'refused' && jsRefusal.length > 0)
      return { ok: true, note: 'refused: relies on JavaScript' };
    const where = execution.map((f) => f.elementId ?? f.place).join(', ');
    if (outcome.status === 'refused') {
      return {
        ok: false,
        note: `relies on JavaScript (${where}) but refused without javascript-not-allowed`,
      };
    }
    return { ok: false, note: `relies on JavaScript (${where}) but was ${outcome.status}` };
  }
  if (outcome.status === 'imported')
    return { ok: true, note: 'no JavaScript in executed places: imported' };
  if (outcome.status === 'refused' && jsRefusal.length > 0) {
    return {
      ok: true,
      note: 'refused for JavaScript in extension values (runner saw none in executed places)',
    };
  }
  return { ok: false, note: `no JavaScript in executed places, but ${outcome.status}` };
}
