import { describe, expect, it } from 'vitest';
import {
  TimerDefinitionError,
  addDuration,
  formatDuration,
  parseDuration,
} from '../../src/timers/index.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('parseDuration', () => {
  it('given time-only durations when parsed then returns hours, minutes and seconds', () => {
    expect(parseDuration('PT15M')).toEqual({
      years: 0,
      months: 0,
      days: 0,
      hours: 0,
      minutes: 15,
      seconds: 0,
    });
    expect(parseDuration('PT1H30M10S')).toMatchObject({ hours: 1, minutes: 30, seconds: 10 });
  });

  it('given calendar durations when parsed then keeps years, months and days apart', () => {
    expect(parseDuration('P1Y2M3DT4H')).toMatchObject({ years: 1, months: 2, days: 3, hours: 4 });
    expect(parseDuration('P10D')).toMatchObject({ days: 10 });
  });

  it('given weeks when parsed then they become days', () => {
    expect(parseDuration('P2W')).toMatchObject({ days: 14 });
    expect(parseDuration('P1W2D')).toMatchObject({ days: 9 });
  });

  it('given fractional seconds when parsed then keeps the fraction', () => {
    expect(parseDuration('PT0.5S').seconds).toBe(0.5);
    expect(parseDuration('PT1,25S').seconds).toBe(1.25);
  });

  it('given malformed text when parsed then throws TimerDefinitionError naming it', () => {
    for (const bad of [
      '',
      'P',
      'PT',
      '15M',
      'PT1.5M',
      'P1.5D',
      'PT1H2H',
      '1 hour',
      'P1DT',
      'PTS',
    ]) {
      expect(() => parseDuration(bad), bad).toThrow(TimerDefinitionError);
    }
    expect(() => parseDuration('PT1X')).toThrow(/invalid ISO 8601 duration "PT1X"/);
  });

  it('given a negative duration when parsed then it is refused', () => {
    expect(() => parseDuration('-PT5S')).toThrow(/negative durations are not supported/);
    expect(() => parseDuration('PT-5S')).toThrow(/negative/);
  });

  it('given a duration when formatted then returns canonical ISO text', () => {
    expect(formatDuration(parseDuration('P1W'))).toBe('P7D');
    expect(formatDuration(parseDuration('PT0S'))).toBe('PT0S');
    expect(formatDuration(parseDuration('P1Y2DT3H0.5S'))).toBe('P1Y2DT3H0.5S');
  });
});

describe('addDuration', () => {
  it('given a time duration when added then adds exact milliseconds', () => {
    expect(iso(addDuration(at('2024-03-10T01:30:00Z'), parseDuration('PT1H')))).toBe(
      '2024-03-10T02:30:00.000Z',
    );
    expect(addDuration(0, parseDuration('PT0.25S'))).toBe(250);
  });

  it('given months across the year end when added then rolls the year', () => {
    expect(iso(addDuration(at('2024-11-15T08:00:00Z'), parseDuration('P3M')))).toBe(
      '2025-02-15T08:00:00.000Z',
    );
    expect(iso(addDuration(at('2024-12-31T23:00:00Z'), parseDuration('P1M')))).toBe(
      '2025-01-31T23:00:00.000Z',
    );
  });

  it('given a month-end date when months are added then clamps the day like java.time', () => {
    expect(iso(addDuration(at('2024-01-31T10:00:00Z'), parseDuration('P1M')))).toBe(
      '2024-02-29T10:00:00.000Z',
    );
    expect(iso(addDuration(at('2023-01-31T10:00:00Z'), parseDuration('P1M')))).toBe(
      '2023-02-28T10:00:00.000Z',
    );
    expect(iso(addDuration(at('2024-02-29T00:00:00Z'), parseDuration('P1Y')))).toBe(
      '2025-02-28T00:00:00.000Z',
    );
  });

  it('given years, months, days and time when added then applies calendar part first', () => {
    expect(iso(addDuration(at('2024-01-31T00:00:00Z'), parseDuration('P1M1DT1H')))).toBe(
      '2024-03-01T01:00:00.000Z',
    );
  });

  it('given days over a leap day when added then counts calendar days', () => {
    expect(iso(addDuration(at('2024-02-28T12:00:00Z'), parseDuration('P2D')))).toBe(
      '2024-03-01T12:00:00.000Z',
    );
  });

  it('given a huge duration when added then throws instead of returning an invalid date', () => {
    expect(() => addDuration(0, parseDuration('P999999999Y'))).toThrow(TimerDefinitionError);
  });
});
