/** How a call the harness made on a plugin ended. */
export type BoundedResult<T> =
  { ok: true; value: T } | { ok: false; error: unknown; timedOut: boolean };

/**
 * Runs `work` the way the runtime runs plugin code: with an AbortSignal that fires after
 * `timeoutMs` (or when `parent` aborts), and settling at that moment even if the plugin ignores the
 * signal and never returns — a hang becomes a timeout, not a stuck test. Real time: the plugin does
 * real I/O.
 */
export async function boundedCall<T>(
  work: (signal: AbortSignal) => Promise<T> | T,
  timeoutMs: number,
  parent?: AbortSignal,
): Promise<BoundedResult<T>> {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent?.reason);
  parent?.addEventListener('abort', onParentAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<BoundedResult<T>>((resolve) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      controller.abort(error);
      resolve({ ok: false, error, timedOut: true });
    }, timeoutMs);
  });
  const ran = (async (): Promise<BoundedResult<T>> => {
    try {
      return { ok: true, value: await work(controller.signal) };
    } catch (error) {
      return { ok: false, error, timedOut: false };
    }
  })();
  try {
    return await Promise.race([ran, timedOut]);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParentAbort);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
