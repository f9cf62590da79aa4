/**
 * Import of one corpus file. Two checks, chosen per corpus by the README's rules:
 *
 * - `import` (miwg, miwg-vendor, bpmn-engine, camunda8 parse-only fixtures): the engine's
 *   `importBpmn`: `imported` (deployable), `not-deployable` (imported; the deploy-blocking problems
 *   are listed), `refused` (structured problems), or `crashed`.
 * - `deploy` (camunda8 executable models, betsy): a deployment into a fresh Engine: `imported`
 *   (deployed) or `refused`, or `crashed`.
 *
 * Either way `importBpmn` also supplies the processes and the elements the engine does not execute.
 * Any exception other than a refused deployment is a failure of the engine, recorded as `crashed`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import {
  createEngine,
  deploymentProblems,
  describeError,
  importModel,
  type ImportedModel,
  type ProblemLike,
  type UnsupportedLike,
} from './engine-access.js';
import type { CorpusName } from './corpus-paths.js';
import { findJavaScript, type JsFinding } from './xml-scan.js';

export type ImportCheck = 'import' | 'deploy';
export type ImportStatus = 'imported' | 'not-deployable' | 'refused' | 'crashed';

export interface ImportOutcome {
  corpus: CorpusName;
  file: string;
  check: ImportCheck;
  /**
   * `import`: imported (deployable) / not-deployable (imported, deployment would be refused) /
   * refused / crashed. `deploy`: imported (= deployed) / refused / crashed.
   */
  status: ImportStatus;
  /** `refused`: every problem; `not-deployable`: the deploy-blocking (error) problems. */
  problems: ProblemLike[];
  /** Warnings of an imported/deployed file. */
  warnings: ProblemLike[];
  processes: Array<{ id: string; isExecutable: boolean }>;
  /** Elements the engine does not execute (from the compiled model). */
  unsupported: UnsupportedLike[];
  /** Result of `importBpmn` (`imported`, `not-deployable`, `refused`, `threw: ...`). */
  importer: string;
  /** JavaScript found in the XML by the runner's own scan (bpmn-engine corpus). */
  javascript: JsFinding[];
  crash?: string;
}

export const statusLabels: Record<ImportStatus, string> = {
  imported: 'imported',
  'not-deployable': 'imported, not deployable',
  refused: 'refused',
  crashed: 'crashed',
};

const isError = (p: ProblemLike): boolean => p.severity !== 'warning';

export async function importFile(
  corpus: CorpusName,
  path: string,
  check: ImportCheck,
): Promise<ImportOutcome> {
  const bytes = readFileSync(path);
  const outcome: ImportOutcome = {
    corpus,
    file: basename(path),
    check,
    status: 'imported',
    problems: [],
    warnings: [],
    processes: [],
    unsupported: [],
    importer: 'not run',
    javascript: corpus === 'bpmn-engine' ? findJavaScript(bytes.toString('utf8')) : [],
  };

  let imported: ImportedModel | undefined;
  try {
    imported = await importModel(new Uint8Array(bytes));
    outcome.importer = imported.status;
    outcome.processes = imported.processes;
    outcome.unsupported = imported.unsupported;
  } catch (error) {
    outcome.importer = `threw: ${describeError(error)}`;
    outcome.status = 'crashed';
    outcome.crash = `importBpmn ${outcome.importer}`;
    return outcome;
  }

  if (check === 'import') {
    outcome.status = imported.status;
    if (imported.status === 'refused') outcome.problems = imported.problems;
    else {
      outcome.problems = imported.problems.filter(isError);
      outcome.warnings = imported.problems.filter((p) => !isError(p));
    }
    return outcome;
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
  return outcome;
}

/** Places the runner's own scan says the engine would evaluate as JavaScript. */
export function reliesOnJavaScript(outcome: ImportOutcome): JsFinding[] {
  return outcome.javascript.filter((f) => f.kind === 'execution');
}

/**
 * For the bpmn-engine corpus, the README's rule: a file is refused iff it relies on JavaScript, and
 * then with a `javascript-not-allowed` problem that names an element and says to use FEEL; every
 * other file imports (deployable or not).
 */
export function javascriptVerdict(outcome: ImportOutcome): { ok: boolean; note: string } {
  const execution = reliesOnJavaScript(outcome);
  const jsRefusal = outcome.problems.filter(
    (p) =>
      p.code === 'javascript-not-allowed' &&
      p.elementId !== undefined &&
      p.elementId !== '' &&
      /FEEL/.test(p.message),
  );
  const imported = outcome.status === 'imported' || outcome.status === 'not-deployable';
  if (execution.length > 0) {
    const where = execution.map((f) => f.elementId ?? f.place).join(', ');
    if (outcome.status === 'refused' && jsRefusal.length > 0)
      return {
        ok: true,
        note: `refused: relies on JavaScript (${jsRefusal.map((p) => p.elementId).join(', ')})`,
      };
    if (outcome.status === 'refused') {
      return {
        ok: false,
        note: `relies on JavaScript (${where}) but refused without a javascript-not-allowed problem naming an element`,
      };
    }
    return {
      ok: false,
      note: `relies on JavaScript (${where}) but ${statusLabels[outcome.status]}`,
    };
  }
  if (imported) return { ok: true, note: `no JavaScript: ${statusLabels[outcome.status]}` };
  return { ok: false, note: `no JavaScript, but ${statusLabels[outcome.status]}` };
}
