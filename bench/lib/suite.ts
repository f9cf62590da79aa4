/** A benchmark suite, selected by name on the `npm run bench -- <name>` command line. */
export interface BenchSuite {
  /** Runs the suite; `args` are the command-line arguments that are not suite names (e.g. `--seconds=3`). */
  run(args: readonly string[]): Promise<void>;
}

/** Parses `--name=value` / `--flag` arguments into a map (later occurrences win). */
export function parseFlags(args: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (const arg of args) {
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq === -1) flags.set(arg.slice(2), 'true');
    else flags.set(arg.slice(2, eq), arg.slice(eq + 1));
  }
  return flags;
}

/** A positive number flag, or `fallback` when absent. Throws on a malformed value. */
export function numberFlag(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`--${name} must be a positive number (got "${raw}")`);
  }
  return value;
}
