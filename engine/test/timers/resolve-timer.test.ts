import { describe, expect, it } from 'vitest';
import type { TimerDef } from '../../src/model/event-trigger.js';
import {
  TimerDefinitionError,
  nextCycle,
  parseCycle,
  parseDuration,
  resolveTimer,
} from '../../src/timers/index.js';
import { evaluateExpr } from '../../src/feel/index.js';

const now = Date.UTC(2024, 0, 31, 12, 0, 0);
const def = (kind: TimerDef['kind'], source = ''): TimerDef => ({
  kind,
  expr: { kind: 'static', value: source },
});
const iso = (ms: number): string => new Date(ms).toISOString();

describe('parseCycle', () => {
  it('given R<n>/<duration> when parsed then returns a counted cycle', () => {
    expect(parseCycle('R5/PT10S')).toEqual({ repetitions: 5, interval: parseDuration('PT10S') });
  });

  it('given R/<duration> when parsed then the cycle is infinite', () => {
    expect(parseCycle('R/P1D')).toEqual({ repetitions: null, interval: parseDuration('P1D') });
  });

  it('given R<n>/<start>/<duration> when parsed then keeps the start', () => {
    expect(parseCycle('R3/2024-02-01T08:00:00+01:00/PT1H')).toEqual({
      repetitions: 3,
      interval: parseDuration('PT1H'),
      start: Date.UTC(2024, 1, 1, 7),
    });
  });

  it('given a cron expression when parsed then refuses it with a clear error', () => {
    expect(() => parseCycle('0 0 9-17 * * MON-FRI')).toThrow(
      /cron expressions in timeCycle are not supported yet/,
    );
  });

  it('given unsupported or malformed cycles when parsed then throws TimerDefinitionError', () => {
    for (const bad of [
      '',
      'PT10S',
      'R5',
      'R5/',
      'Rx/PT1S',
      'R0/PT1S',
      'R/PT0S',
      'R2/PT1S/2024-01-01T00:00:00Z',
      'R2/a/b/c',
    ]) {
      expect(() => parseCycle(bad), bad).toThrow(TimerDefinitionError);
    }
    expect(() => parseCycle('R0/PT1S')).toThrow(/at least once/);
    expect(() => parseCycle('R/PT0S')).toThrow(/zero interval/);
    expect(() => parseCycle('R2/PT1S/2024-01-01T00:00:00Z')).toThrow(/not supported/);
  });
});

describe('resolveTimer', () => {
  it('given a duration timer when resolved then is due after the duration', () => {
    expect(resolveTimer(def('duration'), 'PT15M', now)).toEqual({ dueAt: now + 15 * 60_000 });
    expect(iso(resolveTimer(def('duration'), 'P1M', now).dueAt)).toBe('2024-02-29T12:00:00.000Z');
  });

  it('given a date timer when resolved then is due at that instant, even in the past', () => {
    expect(resolveTimer(def('date'), '2024-02-01T08:00:00+02:00', now).dueAt).toBe(
      Date.UTC(2024, 1, 1, 6),
    );
    expect(resolveTimer(def('date'), '2020-01-01T00:00:00Z', now).dueAt).toBe(Date.UTC(2020, 0, 1));
  });

  it('given a counted cycle when resolved and advanced then fires exactly n times', () => {
    const first = resolveTimer(def('cycle'), 'R3/PT10S', now);
    expect(first).toEqual({
      dueAt: now + 10_000,
      cycle: { remaining: 2, interval: parseDuration('PT10S') },
    });
    const second = nextCycle(first.dueAt, first.cycle!);
    expect(second).toEqual({
      dueAt: now + 20_000,
      cycle: { remaining: 1, interval: parseDuration('PT10S') },
    });
    const third = nextCycle(second!.dueAt, second!.cycle!);
    expect(third?.dueAt).toBe(now + 30_000);
    expect(third?.cycle?.remaining).toBe(0);
    expect(nextCycle(third!.dueAt, third!.cycle!)).toBeNull();
  });

  it('given an infinite cycle when advanced then keeps going with remaining null', () => {
    let schedule = resolveTimer(def('cycle'), 'R/P1M', Date.UTC(2024, 0, 31));
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push(iso(schedule.dueAt).slice(0, 10));
      schedule = nextCycle(schedule.dueAt, schedule.cycle!)!;
      expect(schedule.cycle?.remaining).toBeNull();
    }
    // Each step is computed from the previous due time, so the day clamps and stays clamped.
    expect(seen).toEqual(['2024-02-29', '2024-03-29', '2024-04-29']);
  });

  it('given a cycle with a start when resolved then the first firing is at the start', () => {
    const schedule = resolveTimer(def('cycle'), 'R2/2024-02-01T00:00:00Z/PT12H', now);
    expect(schedule.dueAt).toBe(Date.UTC(2024, 1, 1));
    expect(nextCycle(schedule.dueAt, schedule.cycle!)?.dueAt).toBe(Date.UTC(2024, 1, 1, 12));
  });

  it('given a FEEL timer value when resolved then the ISO string result is accepted', () => {
    const value = evaluateExpr(
      { kind: 'feel', source: 'duration("PT" + string(minutes) + "M")' },
      { minutes: 5 },
    );
    expect(resolveTimer(def('duration'), value, now).dueAt).toBe(now + 5 * 60_000);
    const date = evaluateExpr(
      { kind: 'feel', source: 'date and time("2024-02-01T08:00:00Z") + duration("P1D")' },
      {},
    );
    expect(resolveTimer(def('date'), date, now).dueAt).toBe(Date.UTC(2024, 1, 2, 8));
  });

  it('given a non-string value when resolved then throws naming the value', () => {
    expect(() => resolveTimer(def('duration'), null, now)).toThrow(
      /must be an ISO 8601 string but got null/,
    );
    expect(() => resolveTimer(def('date'), 42, now)).toThrow(TimerDefinitionError);
  });

  it('given bad text when resolved then the error names the value', () => {
    expect(() => resolveTimer(def('duration'), 'ten minutes', now)).toThrow(/"ten minutes"/);
    expect(() => resolveTimer(def('cycle'), 'every day', now)).toThrow(/"every day"/);
  });
});
