import { describe, expect, it } from 'vitest';

import { MINUTE, World, given } from './harness.js';

/** The permit lifecycle, step by step: a job, a non-interrupting boundary timer, a message, a join, a timer. */
const STEPS: Array<{ name: string; run: (w: World, id: string) => void }> = [
  {
    name: 'complete the training check job',
    run: (w, id) => void w.completeJob(id, 'training-check', { trained: true }),
  },
  { name: 'let the approval go slow for 10 minutes', run: (w) => void w.advance(10 * MINUTE) },
  {
    name: 'confirm isolation',
    run: (w) => void w.correlate('isolation-confirmed', 'HW-42', { isolatedBy: 'ops' }),
  },
  { name: 'chase the approver', run: (w, id) => void w.complete(id, 'chaseApprover') },
  {
    name: 'approve the permit',
    run: (w, id) => void w.complete(id, 'approvePermit', { approved: true }),
  },
  { name: 'wait out the cool-off', run: (w) => void w.advance(5 * MINUTE) },
  { name: 'start work', run: (w, id) => void w.complete(id, 'startWork') },
];

async function runScenario(
  onStep?: (w: World, id: string, step: string) => void,
): Promise<{ w: World; id: string }> {
  const w = await given('permit-lifecycle');
  const id = w.start('permit-lifecycle', { permitId: 'HW-42' });
  onStep?.(w, id, 'start');
  for (const step of STEPS) {
    step.run(w, id);
    onStep?.(w, id, step.name);
  }
  return { w, id };
}

describe('event sourcing', () => {
  it('given the permit lifecycle scenario, when it runs to the end, then it completes through the expected path', async () => {
    const { w, id } = await runScenario();

    expect(w.state(id)).toBe('completed');
    expect(w.count(id, 'timer.fired')).toBe(2);
    expect(w.trail(id, 'timer.fired')).toEqual(['approvalSlow', 'coolOff']);
    expect(w.completed(id).at(-1)).toBe('workStarted');
    expect(w.vars(id)).toMatchObject({
      permitId: 'HW-42',
      trained: true,
      isolatedBy: 'ops',
      approved: true,
    });
  });

  it('given the permit lifecycle scenario, when each step has run, then replaying the log so far reproduces the live state', async () => {
    let checked = 0;
    await runScenario((w, id, step) => {
      expect(w.engine.replay(w.events(id)), `after: ${step}`).toEqual(w.engine.getState(id));
      checked++;
    });
    expect(checked).toBe(STEPS.length + 1);
  });

  it('given the states recorded after every step, when prefixes of the final log are replayed, then each prefix yields the state recorded at that point', async () => {
    const snapshots: Array<{ length: number; state: unknown }> = [];
    const { w, id } = await runScenario((world, instanceId) => {
      snapshots.push({
        length: world.events(instanceId).length,
        state: world.engine.getState(instanceId),
      });
    });
    const log = w.events(id);

    for (const { length, state } of snapshots) {
      expect(w.engine.replay(log.slice(0, length))).toEqual(state);
    }
  });

  it('given a log, when it is replayed, then the log is 1-based, gap-free and stamped with the injected clock', async () => {
    const { w, id } = await runScenario();
    const log = w.events(id);

    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.every((e) => e.instanceId === id)).toBe(true);
    const times = log.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBe(Date.UTC(2026, 0, 1));
    expect(times.at(-1)).toBe(Date.UTC(2026, 0, 1) + 15 * MINUTE);
  });
});

describe('determinism', () => {
  it('given two engines, when they receive the same commands under the same clock, then their event logs are identical', async () => {
    const a = await runScenario();
    const b = await runScenario();

    expect(b.id).toBe(a.id);
    expect(b.w.events(b.id)).toEqual(a.w.events(a.id));
    expect(b.w.engine.getState(b.id)).toEqual(a.w.engine.getState(a.id));
  });

  it('given two engines and several instances, when the same commands are given, then every instance log is identical', async () => {
    const build = async (): Promise<World> => {
      const w = await given('message-intermediate-catch', 'parallel-gateway-fork-join');
      const x = w.start('contractor-induction', { permitId: 'P-1' });
      const y = w.start('entry-preparation');
      w.correlate('contractor-arrived', 'P-1');
      w.complete(y, 'ventSpace');
      w.advance(MINUTE);
      w.complete(x, 'briefContractor');
      return w;
    };
    const a = await build();
    const b = await build();

    const logs = (w: World) => w.engine.listInstances().map((i) => w.events(i.id));
    expect(logs(b)).toEqual(logs(a));
    expect(logs(a)).toHaveLength(2);
  });
});
