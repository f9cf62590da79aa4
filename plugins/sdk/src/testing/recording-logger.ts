import type { PluginLogger } from '../plugin-context.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One line a plugin logged during a test. */
export interface LogLine {
  level: LogLevel;
  message: string;
  fields?: Record<string, unknown>;
  /** The test clock's time when it was logged. */
  at: number;
}

/** A logger that keeps every line, so a test can assert what a plugin told the operator. */
export function createRecordingLogger(now: () => number): {
  logger: PluginLogger;
  lines: LogLine[];
} {
  const lines: LogLine[] = [];
  const record =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(
        fields === undefined
          ? { level, message, at: now() }
          : { level, message, fields, at: now() },
      );
    };
  return {
    lines,
    logger: {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    },
  };
}
