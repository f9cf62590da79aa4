import type { ProcessModel } from '../model/process-model.js';
import { EngineCommandError } from './engine-error.js';
import type { InstanceState } from './instance-state.js';
import type { Run } from './run.js';

/** The elements an instance is at: active element instances and what waits on their behalf. */
function elementsInUse(state: InstanceState): Set<string> {
  const ids = new Set<string>();
  for (const el of Object.values(state.elements))
    if (el.key !== state.rootKey) ids.add(el.elementId);
  for (const t of Object.values(state.tasks)) ids.add(t.elementId);
  for (const j of Object.values(state.jobs)) ids.add(j.elementId);
  for (const t of Object.values(state.timers)) ids.add(t.targetId);
  for (const s of Object.values(state.subscriptions)) ids.add(s.targetId);
  return ids;
}

/**
 * Moves a waiting instance to another version of its process, as Camunda's migration does when
 * element ids are mapped one to one: every element the instance is at must exist in the target with
 * the same kind (a user task cannot become a service task under a waiting token). The state is kept
 * as it is; from here on the instance follows the target's flows.
 */
export function migrateInstance(
  run: Run,
  target: { processKey: string; version: number; model: ProcessModel },
): void {
  const state = run.state;
  if (state.status !== 'active')
    throw new EngineCommandError(
      'INSTANCE_NOT_ACTIVE',
      `instance '${state.id}' is ${state.status}`,
    );
  if (target.model.id !== state.processId)
    throw new EngineCommandError(
      'MIGRATION_INVALID',
      `'${target.processKey}' is a version of process '${target.model.id}', not of '${state.processId}'`,
    );
  if (target.processKey === state.processKey)
    throw new EngineCommandError(
      'MIGRATION_INVALID',
      `instance '${state.id}' is already on '${target.processKey}'`,
    );
  const missing: string[] = [];
  const changed: string[] = [];
  for (const id of elementsInUse(state)) {
    const now = run.model.nodes.get(id);
    const then = target.model.nodes.get(id);
    if (!then) missing.push(id);
    else if (now && now.kind !== then.kind) changed.push(`'${id}' (${now.kind} → ${then.kind})`);
  }
  if (missing.length > 0 || changed.length > 0) {
    const parts = [
      ...(missing.length > 0
        ? [`not in '${target.processKey}': ${missing.map((m) => `'${m}'`).join(', ')}`]
        : []),
      ...(changed.length > 0 ? [`changed kind: ${changed.join(', ')}`] : []),
    ];
    throw new EngineCommandError(
      'MIGRATION_INVALID',
      `instance '${state.id}' cannot move to '${target.processKey}': elements it is at are ${parts.join('; ')}`,
    );
  }
  run.emit(
    'instance.migrated',
    { elementId: state.processId, key: state.rootKey },
    { from: state.processKey, to: target.processKey, version: target.version },
  );
}
