import type { Problem } from './model/problem.js';
import type { CompiledDefinitions } from './model/process-model.js';
import { compileDefinitions } from './compile/compile-definitions.js';
import { parseBpmn, type ParseOptions } from './parse/parse-bpmn.js';
import { validateDefinitions, type ValidateOptions } from './validate/validate-definitions.js';

export type ImportOptions = ParseOptions & ValidateOptions;

export type ImportResult =
  | {
      readonly ok: true;
      readonly definitions: CompiledDefinitions;
      /** Every problem found, deploy-blocking ones (severity `error`) included. */
      readonly problems: Problem[];
      /** True iff no problem has severity `error`: `loadBpmn`/deployment would accept the model. */
      readonly deployable: boolean;
    }
  | { readonly ok: false; readonly problems: Problem[] };

/**
 * Problems that refuse *import*, not only deployment: the file cannot be read as BPMN (XML syntax,
 * size, a reference to a BPMN id that does not exist, a parse or compile failure), or it relies on
 * JavaScript, which SafeFlow never imports. (A dangling reference inside a non-executable process
 * is the exception: that process is documentation, so it imports, not deployable; see importBpmn.)
 */
export const IMPORT_REFUSING_CODES: ReadonlySet<string> = new Set([
  'xml-syntax',
  'source-too-large',
  'parse-failed',
  'load-failed',
  'compile-failed',
  'unresolved-reference',
  'javascript-not-allowed',
]);

/** Whether a problem refuses import (see {@link IMPORT_REFUSING_CODES}). */
export function refusesImport(problem: Problem): boolean {
  return problem.severity === 'error' && IMPORT_REFUSING_CODES.has(problem.code);
}

/** Ids of the elements (and processes) of non-executable processes. */
function documentationIds(definitions: CompiledDefinitions): Set<string> {
  const ids = new Set<string>();
  for (const process of definitions.processes) {
    if (process.isExecutable) continue;
    ids.add(process.id);
    for (const id of process.nodes.keys()) ids.add(id);
    for (const id of process.flows.keys()) ids.add(id);
  }
  return ids;
}

/**
 * Reads a BPMN file for the designer and for inspection: parse → compile → validate, like
 * `loadBpmn`, but a model that cannot be *deployed* yet (missing job type or correlation key, no
 * start event, elements the engine does not execute, FEEL syntax errors, ...) still imports, with
 * `deployable: false` and its problems listed. Refused (`ok: false`) only when the file cannot be
 * read as BPMN or relies on JavaScript in an executable process. A reference that does not resolve
 * inside a non-executable process (documentation; Zeebe ignores it too) imports, not deployable:
 * the designer shows it for repair. Never throws.
 */
export async function importBpmn(
  source: string | Uint8Array,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const read = await readBpmn(source, options);
  if (read.definitions === undefined) return { ok: false, problems: read.problems };
  const documentation = documentationIds(read.definitions);
  const refused = read.problems.some(
    (p) =>
      refusesImport(p) &&
      !(
        p.code === 'unresolved-reference' &&
        p.elementId !== undefined &&
        documentation.has(p.elementId)
      ),
  );
  if (refused) return { ok: false, problems: read.problems };
  return {
    ok: true,
    definitions: read.definitions,
    problems: read.problems,
    deployable: !read.problems.some((p) => p.severity === 'error'),
  };
}

/** parse → compile → validate; `definitions` is absent when the XML could not be read. */
export async function readBpmn(
  source: string | Uint8Array,
  options: ImportOptions = {},
): Promise<{ readonly definitions?: CompiledDefinitions; readonly problems: Problem[] }> {
  try {
    const parsed = await parseBpmn(source, options);
    if (parsed.definitions === undefined) return { problems: parsed.problems };
    const { compiled, problems: compileProblems } = compileDefinitions(
      parsed.definitions,
      parsed.sourceText,
    );
    const validation = await validateDefinitions(
      parsed.definitions,
      compiled,
      parsed.sourceText,
      options,
    );
    return {
      definitions: compiled,
      problems: [...parsed.problems, ...compileProblems, ...validation],
    };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      problems: [
        {
          code: 'load-failed',
          message: `The BPMN source could not be loaded: ${detail}`,
          severity: 'error',
        },
      ],
    };
  }
}
