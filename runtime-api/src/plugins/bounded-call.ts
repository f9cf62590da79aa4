/** A plugin call that did not answer within its time limit. */
export class PluginTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} timed out after ${timeoutMs} ms`);
  }
}

/** A plugin call given up because its plugin was stopped (or reconfigured) meanwhile. */
export class PluginStoppedError extends Error {}

/**
 * Runs plugin code under a time limit, with an AbortSignal that fires at the limit (or when
 * `parent`, the plugin's own signal, fires). It settles at that moment even when the plugin
 * ignores the signal and never returns: JavaScript cannot kill a promise, so the hung work is left
 * behind, but nothing waits on it any more and its late rejection is swallowed here rather than
 * becoming an unhandled rejection that would take the process down.
 */
export async function withinTime<T>(
  what: string,
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T> | T,
  parent?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onParentAbort: (() => void) | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PluginTimeoutError(what, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    if (parent) {
      onParentAbort = () => {
        const error = new PluginStoppedError(`${what} was cancelled: the plugin stopped`);
        controller.abort(error);
        reject(error);
      };
      if (parent.aborted) onParentAbort();
      else parent.addEventListener('abort', onParentAbort, { once: true });
    }
  });
  // `new Promise` turns a synchronous throw of the plugin into a rejection like any other.
  const ran = new Promise<T>((resolve) => resolve(work(controller.signal)));
  ran.catch(() => undefined);
  limit.catch(() => undefined);
  try {
    return await Promise.race([ran, limit]);
  } finally {
    clearTimeout(timer);
    if (onParentAbort) parent?.removeEventListener('abort', onParentAbort);
  }
}

/** The message of whatever a plugin threw (plugins may throw strings, objects or nothing). */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}
