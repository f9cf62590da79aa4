/**
 * A timer definition that cannot be scheduled: malformed ISO 8601 text, an unsupported form (cron,
 * zone-only date-times), or a FEEL result of the wrong type. The interpreter raises an incident.
 */
export class TimerDefinitionError extends Error {
  /** The offending value as received (already FEEL-evaluated where applicable). */
  readonly value: unknown;

  constructor(value: unknown, message: string) {
    super(message);
    this.name = 'TimerDefinitionError';
    this.value = value;
  }
}

/** Quotes a value for an error message without letting a huge input bloat the incident. */
export function quoteValue(value: unknown): string {
  let text: string;
  try {
    text =
      typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length <= 120 ? text : `${text.slice(0, 120)}…`;
}
