import { parseExpression } from 'feelin';
import { nodeExpressions } from './node-expressions.js';
import { describe, type Finding, type ProcessRule } from './rule-types.js';

/**
 * Position (0-based offset) of the first syntax error in a FEEL expression, or undefined when it
 * parses. feelin's lezer parser recovers from errors instead of throwing and marks them with error
 * nodes, so we walk the tree for the first one. Parsing only: nothing is evaluated.
 */
export function feelSyntaxError(source: string): number | undefined {
  if (source.trim() === '') return 0;
  let errorAt: number | undefined;
  try {
    const tree = parseExpression(flattenStringNewlines(source), {}, undefined);
    tree.iterate({
      enter(node) {
        if (errorAt !== undefined) return false;
        if (node.type.isError) {
          errorAt = node.from;
          return false;
        }
        return undefined;
      },
    });
  } catch {
    return 0;
  }
  return errorAt;
}

/**
 * Zeebe's FEEL (feel-scala) accepts line breaks inside string literals (long AI prompts, templates);
 * feelin's grammar does not. Replace them by spaces inside strings only, keeping offsets unchanged.
 */
function flattenStringNewlines(source: string): string {
  if (!source.includes('\n') && !source.includes('\r')) return source;
  let inString = false;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] ?? '';
    if (inString && ch === '\\') {
      out += ch + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    out += inString && (ch === '\n' || ch === '\r') ? ' ' : ch;
  }
  return out;
}

/** Every FEEL expression of the process must parse, so mistakes surface at deploy, not at run. */
export const checkFeelSyntax: ProcessRule = ({ process }) => {
  const findings: Finding[] = [];
  for (const flow of process.flows.values()) {
    if (flow.condition?.kind !== 'feel') continue;
    const at = feelSyntaxError(flow.condition.source);
    if (at !== undefined)
      findings.push(
        finding(flow.id, `Sequence flow ${flow.id} condition`, flow.condition.source, at),
      );
  }
  for (const node of process.nodes.values()) {
    for (const [label, expr] of nodeExpressions(node)) {
      if (expr.kind !== 'feel') continue;
      const at = feelSyntaxError(expr.source);
      if (at !== undefined)
        findings.push(finding(node.id, `${describe(node)} ${label}`, expr.source, at));
    }
  }
  return findings;
};

function finding(elementId: string, where: string, source: string, at: number): Finding {
  const shown = source.length > 120 ? `${source.slice(0, 120)}…` : source;
  return {
    code: 'feel-syntax',
    message: `${where}: FEEL syntax error at character ${at + 1} of "${shown}"`,
    elementId,
  };
}
