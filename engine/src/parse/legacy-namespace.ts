import type { Problem } from '../model/problem.js';
import { positionAt } from './element-locator.js';
import { BPMN_MODEL_NAMESPACE } from './moddle-warnings.js';

/** Namespace of the BPMN 2.0 beta drafts (2009), still written by some early tools and fixtures. */
export const BPMN_BETA_NAMESPACE = 'http://schema.omg.org/spec/BPMN/2.0';

/**
 * Maps the BPMN 2.0 beta namespace to the final one, so files written against the beta schema
 * (same element names for everything SafeFlow reads) import instead of failing as unknown XML.
 * Only `xmlns` declarations are rewritten, in place on their line, so line numbers stay valid.
 * Returns the text for moddle and a warning, or the text unchanged when there is nothing to map.
 */
export function mapLegacyNamespace(sourceText: string): { text: string; problem?: Problem } {
  const declaration =
    /(\sxmlns(?::[\w.-]+)?\s*=\s*)(["'])http:\/\/schema\.omg\.org\/spec\/BPMN\/2\.0\/?\2/g;
  const first = declaration.exec(sourceText);
  if (first === null) return { text: sourceText };
  declaration.lastIndex = 0;
  const text = sourceText.replace(
    declaration,
    (_match, head: string, quote: string) => `${head}${quote}${BPMN_MODEL_NAMESPACE}${quote}`,
  );
  const where = positionAt(sourceText, first.index + 1);
  return {
    text,
    problem: {
      code: 'legacy-bpmn-namespace',
      message: `The file uses the BPMN 2.0 beta namespace ${BPMN_BETA_NAMESPACE}; it was read as BPMN 2.0 (${BPMN_MODEL_NAMESPACE})`,
      line: where.line,
      column: where.column,
      severity: 'warning',
    },
  };
}
