/**
 * Shared given/when/then harness for the behaviour suite: one engine per test, an injected clock that
 * only moves when a test says so, fixture loading, and small accessors that fail loudly (with the
 * engine's error) instead of letting a test continue on an `undefined`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';

import { Engine } from '../../src/index.js';
import type {
  CommandResult,
  CorrelateResult,
  IncidentView,
  InstanceView,
  JobView,
  StartOptions,
  StartResult,
  UserTaskView,
  Variables,
} from '../../src/host/host-types.js';
import type { EngineEvent, EngineEventType } from '../../src/runtime/engine-event.js';

export const T0 = Date.UTC(2026, 0, 1);
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

const FIXTURES = new URL('../fixtures/features/', import.meta.url);

/** The XML of `engine/test/fixtures/features/<name>.bpmn`. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`${name}.bpmn`, FIXTURES)), 'utf8');
}

type Refusable = CommandResult | StartResult | CorrelateResult;

/** Narrow a command result to its ok branch, showing the engine's error when it refused. */
export function ok<R extends Refusable>(result: R): Extract<R, { ok: true }> {
  if (!result.ok) {
    throw new Error(`command refused: ${result.error.code}: ${result.error.message}`);
  }
  return result as Extract<R, { ok: true }>;
}

/** The error code of a refused command (fails the test if the command was accepted). */
export function refusal(result: Refusable): string {
  expect(result.ok, 'the command should have been refused').toBe(false);
  return result.ok ? '' : result.error.code;
}

/** Worlds created by the running test; checked for replayability when it ends. */
const worlds: World[] = [];

/**
 * Event-sourcing invariant, checked after every behaviour test: for every instance the test left
 * behind (whatever its state), folding its log from scratch gives exactly the live state.
 */
afterEach(() => {
  const created = worlds.splice(0);
  for (const world of created) {
    for (const { id } of world.engine.listInstances()) {
      expect(world.engine.replay(world.events(id)), `replay of ${id}`).toEqual(
        world.engine.getState(id),
      );
    }
  }
});

export class World {
  now = T0;
  readonly engine: Engine;

  constructor() {
    this.engine = new Engine({ clock: () => this.now });
    worlds.push(this);
  }

  /** Deploy fixtures by name. */
  async deploy(...names: string[]): Promise<void> {
    await this.engine.deploy(
      names.map((name) => ({ name: `${name}.bpmn`, content: fixture(name) })),
    );
  }

  /** Start an instance (asserting the start was accepted) and return its id. */
  start(
    processId: string,
    variables: Variables = {},
    options: Omit<StartOptions, 'variables'> = {},
  ): string {
    return ok(this.engine.start(processId, { ...options, variables })).instanceId;
  }

  instance(id: string): InstanceView {
    const view = this.engine.getInstance(id);
    if (!view) throw new Error(`no instance ${id}`);
    return view;
  }

  state(id: string): InstanceView['state'] {
    return this.instance(id).state;
  }

  active(id: string): string[] {
    return [...this.instance(id).activeElementIds].sort();
  }

  vars(id: string): Variables {
    return this.instance(id).variables;
  }

  events(id: string): EngineEvent[] {
    return this.engine.getEvents(id);
  }

  /** Element ids of the events of one type, in log order. */
  trail(id: string, type: EngineEventType): string[] {
    return this.events(id)
      .filter((e) => e.type === type)
      .map((e) => e.elementId ?? '');
  }

  /** Ids of the elements that completed, in order (the process itself left out). */
  completed(id: string): string[] {
    const processId = this.instance(id).processId;
    return this.trail(id, 'element.completed').filter((e) => e !== '' && e !== processId);
  }

  /** Event types of an instance's log, in order. */
  types(id: string): EngineEventType[] {
    return this.events(id).map((e) => e.type);
  }

  count(id: string, type: EngineEventType, elementId?: string): number {
    return this.events(id).filter(
      (e) => e.type === type && (elementId === undefined || e.elementId === elementId),
    ).length;
  }

  tasks(instanceId?: string): UserTaskView[] {
    return this.engine.openTasks(instanceId === undefined ? {} : { instanceId });
  }

  /** Element ids of the open user tasks of an instance, sorted. */
  taskIds(instanceId: string): string[] {
    return this.tasks(instanceId)
      .map((t) => t.elementId)
      .sort();
  }

  /** The single open user task at an element. */
  task(instanceId: string, elementId: string): UserTaskView {
    const found = this.engine.openTasks({ instanceId, elementId });
    expect(
      found.map((t) => t.elementId),
      `one open task at ${elementId}`,
    ).toEqual([elementId]);
    return found[0]!;
  }

  complete(instanceId: string, elementId: string, variables?: Variables): CommandResult {
    return ok(this.engine.completeTask(this.task(instanceId, elementId).id, variables));
  }

  jobs(instanceId?: string, type?: string): JobView[] {
    const filter: { instanceId?: string; type?: string } = {};
    if (instanceId !== undefined) filter.instanceId = instanceId;
    if (type !== undefined) filter.type = type;
    return this.engine.activatableJobs(filter);
  }

  /** The single activatable job of a type in an instance. */
  job(instanceId: string, type: string): JobView {
    const found = this.jobs(instanceId, type);
    expect(
      found.map((j) => j.type),
      `one activatable job of type ${type}`,
    ).toEqual([type]);
    return found[0]!;
  }

  completeJob(instanceId: string, type: string, variables?: Variables): CommandResult {
    return ok(this.engine.completeJob(this.job(instanceId, type).key, variables));
  }

  incidents(instanceId: string): IncidentView[] {
    return this.engine.incidents({ instanceId });
  }

  /** Move the clock by `ms` and fire whatever became due. */
  advance(ms: number): CommandResult {
    this.now += ms;
    return ok(this.engine.fireDueTimers(this.now));
  }

  /** Move the clock to an absolute time and fire whatever became due. */
  advanceTo(at: number): CommandResult {
    this.now = at;
    return ok(this.engine.fireDueTimers(this.now));
  }

  correlate(name: string, correlationKey?: string, variables?: Variables): number {
    const message: { name: string; correlationKey?: string; variables?: Variables } = { name };
    if (correlationKey !== undefined) message.correlationKey = correlationKey;
    if (variables !== undefined) message.variables = variables;
    return ok(this.engine.correlateMessage(message)).correlated;
  }

  /** Instances of a process, in creation order. */
  instancesOf(processId: string): InstanceView[] {
    return this.engine.listInstances().filter((i) => i.processId === processId);
  }

  /** The log folded from scratch equals the live state. */
  expectReplayable(instanceId: string): void {
    expect(this.engine.replay(this.events(instanceId))).toEqual(this.engine.getState(instanceId));
  }
}

export async function given(...fixtures: string[]): Promise<World> {
  const world = new World();
  await world.deploy(...fixtures);
  return world;
}
