import type { Problem } from '../model/problem.js';
import { createModdle } from '../moddle/create-moddle.js';
import { decodeSource } from './decode-source.js';
import { completeFlowRefs } from './complete-flow-refs.js';
import { createElementLocator } from './element-locator.js';
import { mapLegacyNamespace } from './legacy-namespace.js';
import { foreignReferenceTest, warningToProblem } from './moddle-warnings.js';
import { xmlSyntaxProblem } from './xml-error.js';

export interface ParseOptions {
  /** Refuse sources larger than this many bytes/characters (default 20 MB): bounds memory and time. */
  readonly maxSize?: number;
}

export interface ParseResult {
  /** The moddle `bpmn:Definitions`, absent when the XML could not be read. */
  readonly definitions?: any;
  /** The decoded text (used to locate elements by id). */
  readonly sourceText: string;
  readonly problems: Problem[];
}

const DEFAULT_MAX_SIZE = 20 * 1024 * 1024;

/**
 * Reads BPMN XML with the BPMN, Zeebe and SafeFlow descriptors. Never throws: every failure,
 * including bugs in the libraries underneath, comes back as a problem.
 */
export async function parseBpmn(
  source: string | Uint8Array,
  options: ParseOptions = {},
): Promise<ParseResult> {
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  let sourceText = '';
  try {
    if (source.length > maxSize) {
      return { sourceText, problems: [tooLarge(source.length, maxSize)] };
    }
    const decoded = decodeSource(source);
    sourceText = decoded.text;
    const problems: Problem[] = [];
    if (decoded.unknownEncoding !== undefined) {
      problems.push({
        code: 'unknown-encoding',
        message: `Unknown XML encoding "${decoded.unknownEncoding}"; the file was read as UTF-8`,
        line: 1,
        column: 1,
        severity: 'warning',
      });
    }
    if (sourceText.trim() === '') {
      return { sourceText, problems: [...problems, emptySource()] };
    }
    const legacy = mapLegacyNamespace(sourceText);
    if (legacy.problem) problems.push(legacy.problem);
    let result;
    try {
      result = await createModdle().fromXML(legacy.text, 'bpmn:Definitions');
    } catch (error) {
      return { sourceText, problems: [...problems, xmlSyntaxProblem(error)] };
    }
    const locate = createElementLocator(sourceText);
    const isForeign = foreignReferenceTest(legacy.text);
    for (const warning of result.warnings) {
      // moddle only reads UTF-8 and warns about any other declared encoding; we decoded already.
      if (/^unsupported document encoding/.test(warning.message)) continue;
      problems.push(warningToProblem(warning, locate, isForeign));
    }
    completeFlowRefs(result.rootElement);
    return { definitions: result.rootElement, sourceText, problems };
  } catch (error) {
    return { sourceText, problems: [internalError(error)] };
  }
}

function tooLarge(size: number, max: number): Problem {
  return {
    code: 'source-too-large',
    message: `The BPMN source is ${size} bytes; the limit is ${max}`,
    severity: 'error',
  };
}

function emptySource(): Problem {
  return {
    code: 'xml-syntax',
    message: 'The BPMN source is empty',
    line: 1,
    column: 1,
    severity: 'error',
  };
}

function internalError(error: unknown): Problem {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    code: 'parse-failed',
    message: `The BPMN source could not be read: ${detail}`,
    severity: 'error',
  };
}
