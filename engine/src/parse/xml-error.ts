import type { Problem } from '../model/problem.js';

/**
 * Turns a moddle/saxen import failure into an `xml-syntax` problem. moddle reports positions only
 * inside its message (`line: 3\n\tcolumn: 42`), both 0-based (saxen counts from zero); we convert to
 * the 1-based positions of Problem, and use 1:1 when the message carries none.
 */
export function xmlSyntaxProblem(error: unknown): Problem {
  const raw = error instanceof Error ? error.message : String(error);
  const line = /line:\s*(\d+)/.exec(raw);
  const column = /column:\s*(\d+)/.exec(raw);
  const nested = /nested error:\s*(.*)/.exec(raw);
  const headline = raw.split('\n')[0]?.trim() ?? 'invalid XML';
  const message = nested?.[1] ? `${headline}: ${nested[1].trim()}` : headline;
  return {
    code: 'xml-syntax',
    message: `XML could not be read: ${truncate(message, 300)}`,
    line: line ? Number(line[1]) + 1 : 1,
    column: column ? Number(column[1]) + 1 : 1,
    severity: 'error',
  };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
