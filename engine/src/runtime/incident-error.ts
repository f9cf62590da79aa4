/**
 * Raised inside a step when the model cannot proceed (a FEEL expression fails, no outgoing flow
 * matches, a timer value is not ISO 8601...). The step is stopped and an incident records it;
 * resolving the incident re-runs the step.
 */
export class IncidentError extends Error {
  constructor(
    readonly incidentType: string,
    message: string,
  ) {
    super(message);
    this.name = 'IncidentError';
  }
}
