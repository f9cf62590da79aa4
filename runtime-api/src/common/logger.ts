import type { LoggerService } from '@nestjs/common';
import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Structured logs. Request bodies, tokens and passwords are never logged. `destination` replaces
 * stdout (tests capture the lines to prove what is not in them).
 */
export function createLogger(level: string, destination?: { write(line: string): void }): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'safeflow-runtime' },
    redact: [
      'password',
      '*.password',
      'accessToken',
      '*.accessToken',
      'authorization',
      '*.authorization',
    ],
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's own log lines, routed to pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
