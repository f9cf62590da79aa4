import type { Problem } from './model/problem.js';
import type { CompiledDefinitions } from './model/process-model.js';
import { compileDefinitions } from './compile/compile-definitions.js';
import { parseBpmn, type ParseOptions } from './parse/parse-bpmn.js';
import { validateDefinitions, type ValidateOptions } from './validate/validate-definitions.js';

export type LoadOptions = ParseOptions & ValidateOptions;

export type LoadResult =
  | { readonly ok: true; readonly definitions: CompiledDefinitions; readonly warnings: Problem[] }
  | { readonly ok: false; readonly problems: Problem[] };

/**
 * parse → compile → validate. Refused (`ok: false`) iff any problem has severity `error`; problems
 * inside non-executable processes are only warnings, while XML and reference errors always refuse.
 * Never throws.
 */
export async function loadBpmn(
  source: string | Uint8Array,
  options: LoadOptions = {},
): Promise<LoadResult> {
  try {
    const parsed = await parseBpmn(source, options);
    if (parsed.definitions === undefined) return { ok: false, problems: parsed.problems };
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
    const problems = [...parsed.problems, ...compileProblems, ...validation];
    if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };
    return { ok: true, definitions: compiled, warnings: problems };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
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
