/**
 * Why a fetch failed, in words for an incident: `timed out after … ms` when our time limit fired,
 * `stopped` when the runtime aborted the call, otherwise the socket's error code (ECONNREFUSED,
 * ENOTFOUND…), which fetch reports as its cause. Never the URL: it may hold a token.
 */
export function fetchFailure(
  e: unknown,
  callSignal: AbortSignal,
  limit: AbortSignal,
  timeoutMs: number,
): string {
  if (limit.aborted) return `timed out after ${timeoutMs} ms`;
  if (callSignal.aborted) return 'stopped (the runtime aborted the call)';
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

/** A text from another system, kept short enough for an incident line. */
export function quoted(text: unknown, max = 200): string {
  const s = String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
