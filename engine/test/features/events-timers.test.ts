import { describe, expect, it } from 'vitest';

import { MINUTE, SECOND, T0, given } from './harness.js';

describe('intermediate timer catch event', () => {
  it('given a FEEL duration ="PT10M", when the instance starts, then a timer is scheduled 10 minutes later', async () => {
    const w = await given('timer-intermediate-duration-feel');

    const id = w.start('vessel-purge');

    expect(w.active(id)).toEqual(['purgeWait']);
    expect(w.trail(id, 'timer.scheduled')).toEqual(['purgeWait']);
    expect(w.engine.nextTimerDue()).toBe(T0 + 10 * MINUTE);
  });

  it('given a FEEL duration timer, when the clock is one second short, then it has not fired; when it reaches the due time, then it fires', async () => {
    const w = await given('timer-intermediate-duration-feel');
    const id = w.start('vessel-purge');

    w.advance(10 * MINUTE - SECOND);
    expect(w.active(id)).toEqual(['purgeWait']);
    expect(w.count(id, 'timer.fired')).toBe(0);

    w.advance(SECOND);
    expect(w.taskIds(id)).toEqual(['enterVessel']);
    const fired = w.events(id).find((e) => e.type === 'timer.fired');
    expect(fired?.elementId).toBe('purgeWait');
    expect(fired?.at).toBe(T0 + 10 * MINUTE);
    expect(w.engine.nextTimerDue()).toBeUndefined();
  });

  it('given a static duration PT5M, when 5 minutes pass, then the flow continues', async () => {
    const w = await given('timer-intermediate-duration-static');
    const id = w.start('hot-work-cool-down');
    expect(w.engine.nextTimerDue()).toBe(T0 + 5 * MINUTE);

    w.advance(4 * MINUTE);
    expect(w.taskIds(id)).toEqual([]);

    w.advance(MINUTE);
    expect(w.taskIds(id)).toEqual(['checkForSmoulder']);
  });

  it('given a timer started late, when fireDueTimers is called past the due time, then the timer fires once', async () => {
    const w = await given('timer-intermediate-duration-static');
    const id = w.start('hot-work-cool-down');

    w.advance(3 * 60 * MINUTE);

    expect(w.count(id, 'timer.fired', 'coolDown')).toBe(1);
    expect(w.taskIds(id)).toEqual(['checkForSmoulder']);
  });

  it('given a timeDate, when the instance starts, then the timer is due at that date and fires there', async () => {
    const w = await given('timer-intermediate-date');
    const id = w.start('shift-start-briefing');
    const eightOClock = Date.UTC(2026, 0, 1, 8, 0, 0);

    expect(w.engine.nextTimerDue()).toBe(eightOClock);

    w.advanceTo(eightOClock - 1);
    expect(w.active(id)).toEqual(['shiftStarts']);
    w.advanceTo(eightOClock);
    expect(w.taskIds(id)).toEqual(['holdToolboxTalk']);
  });
});

describe('timer cycle on a non-interrupting boundary event', () => {
  it('given R3/PT1M on a waiting user task, when five minutes pass minute by minute, then the boundary fires exactly three times and the task still waits', async () => {
    const w = await given('timer-boundary-cycle-non-interrupting');
    const id = w.start('fire-watch');
    expect(w.engine.nextTimerDue()).toBe(T0 + MINUTE);

    for (let minute = 1; minute <= 5; minute++) w.advance(MINUTE);

    expect(w.count(id, 'timer.fired', 'everyMinute')).toBe(3);
    expect(
      w
        .events(id)
        .filter((e) => e.type === 'timer.fired')
        .map((e) => e.at),
    ).toEqual([T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE]);
    expect(w.tasks(id).filter((t) => t.elementId === 'checkOnWatcher')).toHaveLength(3);
    expect(w.tasks(id).filter((t) => t.elementId === 'holdFireWatch')).toHaveLength(1);
    expect(w.engine.nextTimerDue()).toBeUndefined();
  });

  it('given a cycle timer on a task, when the task completes after the first firing, then the remaining repetitions are cancelled', async () => {
    const w = await given('timer-boundary-cycle-non-interrupting');
    const id = w.start('fire-watch');
    w.advance(MINUTE);

    w.complete(id, 'holdFireWatch');
    w.advance(10 * MINUTE);

    expect(w.count(id, 'timer.fired', 'everyMinute')).toBe(1);
    expect(w.engine.nextTimerDue()).toBeUndefined();
    expect(w.taskIds(id)).toEqual(['checkOnWatcher']);
  });
});
