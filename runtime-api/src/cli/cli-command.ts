/** Exit codes of every `safeflow` command. */
export const EXIT = {
  /** Done; for a check: nothing wrong found. */
  ok: 0,
  /** A check found a problem (e.g. the audit trail was tampered with). */
  failed: 1,
  /** Bad command line, or the database (or another resource) could not be used. */
  usage: 2,
} as const;

/** Where a command writes and what it reads from its environment (a test passes its own). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** One `safeflow <words…>` subcommand. */
export interface CliCommand {
  /** The words that name it, e.g. `['audit', 'verify']`. */
  words: string[];
  /** One line for `safeflow --help`. */
  summary: string;
  /** Its options, shown on `--help` and after a usage error. */
  usage: string;
  /** Runs with the arguments after its words; resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A bad command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
  };
}
