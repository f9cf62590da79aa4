import { describe, expect, it } from 'vitest';

import { given, ok } from './harness.js';

const WATCHERS = ['ana', 'ben', 'chen'];

describe('parallel multi-instance user task', () => {
  it('given a collection of three watchers, when the task is reached, then three tasks open at once, each with its watcher and loopCounter', async () => {
    const w = await given('multi-instance-parallel-user-task');
    const id = w.start('watcher-sign-off', { watchers: WATCHERS });

    const tasks = w.engine.openTasks({ instanceId: id, elementId: 'watcherSignOff' });

    expect(tasks).toHaveLength(3);
    expect(tasks.map((t) => [t.variables['watcher'], t.variables['loopCounter']])).toEqual([
      ['ana', 1],
      ['ben', 2],
      ['chen', 3],
    ]);
  });

  it('given three parallel tasks, when they complete in reverse order, then the output collection is in input order and the flow continues once all are done', async () => {
    const w = await given('multi-instance-parallel-user-task');
    const id = w.start('watcher-sign-off', { watchers: WATCHERS });
    const tasks = w.engine.openTasks({ instanceId: id, elementId: 'watcherSignOff' });

    ok(w.engine.completeTask(tasks[2]!.id, { signOff: 'chen:clear' }));
    ok(w.engine.completeTask(tasks[1]!.id, { signOff: 'ben:clear' }));
    expect(w.taskIds(id)).toEqual(['watcherSignOff']);
    ok(w.engine.completeTask(tasks[0]!.id, { signOff: 'ana:clear' }));

    expect(w.taskIds(id)).toEqual(['closePermit']);
    expect(w.vars(id)['signOffs']).toEqual(['ana:clear', 'ben:clear', 'chen:clear']);
    expect(w.vars(id)).not.toHaveProperty('watcher');
    expect(w.vars(id)).not.toHaveProperty('loopCounter');
  });

  it('given an empty collection, when the task is reached, then it completes immediately with an empty output collection', async () => {
    const w = await given('multi-instance-parallel-user-task');

    const id = w.start('watcher-sign-off', { watchers: [] });

    expect(w.taskIds(id)).toEqual(['closePermit']);
    expect(w.vars(id)['signOffs']).toEqual([]);
  });
});

describe('sequential multi-instance user task', () => {
  it('given three watchers, when each task is completed, then the next one opens in collection order, one at a time', async () => {
    const w = await given('multi-instance-sequential-user-task');
    const id = w.start('watcher-handover', { watchers: WATCHERS });
    const seen: unknown[] = [];

    for (const watcher of WATCHERS) {
      const open = w.engine.openTasks({ instanceId: id, elementId: 'watchShift' });
      expect(open).toHaveLength(1);
      seen.push([open[0]!.variables['watcher'], open[0]!.variables['loopCounter']]);
      ok(w.engine.completeTask(open[0]!.id, { shiftLog: `${watcher} ok` }));
    }

    expect(seen).toEqual([
      ['ana', 1],
      ['ben', 2],
      ['chen', 3],
    ]);
    expect(w.taskIds(id)).toEqual(['closeWatch']);
    expect(w.vars(id)['shiftLogs']).toEqual(['ana ok', 'ben ok', 'chen ok']);
  });
});

describe('multi-instance completion condition', () => {
  it('given count(results[item = "ok"]) >= 2, when a failed and then two ok results come in, then the remaining instance is cancelled and the flow continues', async () => {
    const w = await given('multi-instance-completion-condition');
    const id = w.start('quorum-gas-test', { watchers: ['ana', 'ben', 'chen', 'dev'] });
    const tasks = w.engine.openTasks({ instanceId: id, elementId: 'independentGasTest' });
    expect(tasks).toHaveLength(4);

    ok(w.engine.completeTask(tasks[0]!.id, { result: 'fail' }));
    ok(w.engine.completeTask(tasks[1]!.id, { result: 'ok' }));
    expect(w.tasks(id)).toHaveLength(2);
    ok(w.engine.completeTask(tasks[3]!.id, { result: 'ok' }));

    expect(w.taskIds(id)).toEqual(['authoriseEntry']);
    expect(w.trail(id, 'task.cancelled')).toEqual(['independentGasTest']);
    expect(w.engine.completeTask(tasks[2]!.id).ok).toBe(false);
    const results = w.vars(id)['results'] as unknown[];
    expect(results.filter((r) => r === 'ok')).toHaveLength(2);
    expect(results[0]).toBe('fail');
    expect(results[1]).toBe('ok');
    expect(results[3]).toBe('ok');
  });
});

describe('parallel multi-instance sub-process', () => {
  it('given three zones, when the sub-process is reached, then three inner tasks run at once, each seeing its own zone', async () => {
    const w = await given('multi-instance-parallel-subprocess');
    const id = w.start('zone-sweep', { zones: ['north', 'east', 'south'] });

    const tasks = w.engine.openTasks({ instanceId: id, elementId: 'inspectZone' });

    expect(tasks.map((t) => t.variables['zone'])).toEqual(['north', 'east', 'south']);
    expect(tasks.map((t) => t.variables['loopCounter'])).toEqual([1, 2, 3]);
  });

  it('given three sub-process instances, when all inner tasks complete, then the output collection is collected and the flow continues', async () => {
    const w = await given('multi-instance-parallel-subprocess');
    const id = w.start('zone-sweep', { zones: ['north', 'east', 'south'] });
    const tasks = w.engine.openTasks({ instanceId: id, elementId: 'inspectZone' });

    for (const task of [...tasks].reverse()) {
      ok(w.engine.completeTask(task.id, { report: `${String(task.variables['zone'])} clear` }));
    }

    expect(w.taskIds(id)).toEqual(['signSweep']);
    expect(w.vars(id)['zoneReports']).toEqual(['north clear', 'east clear', 'south clear']);
    expect(w.count(id, 'element.completed', 'zoneInspected')).toBe(3);
  });
});

describe('sequential multi-instance sub-process', () => {
  it('given two zones, when the sub-process is reached, then the inner task runs once per zone, in order, one at a time', async () => {
    const w = await given('multi-instance-sequential-subprocess');
    const id = w.start('zone-release', { zones: ['pump room', 'tank farm'] });

    const first = w.engine.openTasks({ instanceId: id, elementId: 'removeLocks' });
    expect(first.map((t) => t.variables['zone'])).toEqual(['pump room']);
    ok(w.engine.completeTask(first[0]!.id, { releasedBy: 'ops-1' }));

    const second = w.engine.openTasks({ instanceId: id, elementId: 'removeLocks' });
    expect(second.map((t) => t.variables['zone'])).toEqual(['tank farm']);
    expect(second[0]!.variables['loopCounter']).toBe(2);
    ok(w.engine.completeTask(second[0]!.id, { releasedBy: 'ops-2' }));

    expect(w.state(id)).toBe('completed');
    expect(w.vars(id)['releases']).toEqual(['ops-1', 'ops-2']);
  });
});
