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
