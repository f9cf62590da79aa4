import { EngineCommandError } from './engine-error.js';
import { STATE_SCHEMA_VERSION, type InstanceState } from './instance-state.js';

/**
 * Steps that bring a saved state from one schema version to the next. Version 1 is the first;
 * when the state shape changes, bump STATE_SCHEMA_VERSION and add the step from the old version
 * here, so instances saved by an older release keep loading.
 */
const UPGRADES: Record<number, (state: Record<string, unknown>) => Record<string, unknown>> = {};

/** Brings a saved state to the current schema, or refuses one written by a newer release. */
export function upgradeState(saved: unknown): InstanceState {
  if (!saved || typeof saved !== 'object') {
    throw new EngineCommandError('INVALID_ARGUMENT', 'a saved instance state must be an object');
  }
  let state = saved as Record<string, unknown>;
  let version = state.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new EngineCommandError(
      'INVALID_ARGUMENT',
      `saved instance state has no valid schemaVersion (got ${String(version)})`,
    );
  }
  if (version > STATE_SCHEMA_VERSION) {
    throw new EngineCommandError(
      'INVALID_ARGUMENT',
      `saved instance state has schemaVersion ${version}, newer than this engine's ${STATE_SCHEMA_VERSION}: upgrade SafeFlow`,
    );
  }
  while (version < STATE_SCHEMA_VERSION) {
    const step = UPGRADES[version];
    if (!step)
      throw new EngineCommandError(
        'INVALID_ARGUMENT',
        `no upgrade from state schemaVersion ${version}`,
      );
    state = { ...step(state), schemaVersion: version + 1 };
    version++;
  }
  return state as unknown as InstanceState;
}
