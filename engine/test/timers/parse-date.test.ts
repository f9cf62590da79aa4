import { describe, expect, it } from 'vitest';
import { TimerDefinitionError, parseDateTime } from '../../src/timers/index.js';

describe('parseDateTime', () => {
  it('given a UTC date-time when parsed then returns epoch ms', () => {
    expect(parseDateTime('2024-05-01T08:00:00Z')).toBe(Date.UTC(2024, 4, 1, 8));
    expect(parseDateTime('2024-05-01T08:00Z')).toBe(Date.UTC(2024, 4, 1, 8));
  });

  it('given offsets when parsed then converts to UTC', () => {
    expect(parseDateTime('2024-05-01T10:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 8));
    expect(parseDateTime('2024-05-01T02:30:00-0530')).toBe(Date.UTC(2024, 4, 1, 8));
    expect(parseDateTime('2024-05-01T09:00:00+01')).toBe(Date.UTC(2024, 4, 1, 8));
    expect(parseDateTime('2024-01-01T00:30:00+01:00')).toBe(Date.UTC(2023, 11, 31, 23, 30));
  });

  it('given fractional seconds when parsed then keeps milliseconds', () => {
    expect(parseDateTime('2024-05-01T08:00:00.123Z')).toBe(Date.UTC(2024, 4, 1, 8, 0, 0, 123));
    expect(parseDateTime('2024-05-01T08:00:00.123456789Z')).toBe(
      Date.UTC(2024, 4, 1, 8, 0, 0, 123),
    );
  });

  it('given an offset plus a zone suffix when parsed then the offset decides', () => {
    expect(parseDateTime('2024-05-01T10:00:00+02:00[Europe/Berlin]')).toBe(Date.UTC(2024, 4, 1, 8));
    expect(parseDateTime('2024-05-01T10:00:00+02:00@Europe/Berlin')).toBe(Date.UTC(2024, 4, 1, 8));
  });

  it('given a zone name without offset when parsed then refuses with a clear error', () => {
    expect(() => parseDateTime('2024-05-01T10:00:00@Europe/Berlin')).toThrow(
      /names zone 'Europe\/Berlin' without an offset/,
    );
    expect(() => parseDateTime('2024-05-01T10:00:00[Europe/Berlin]')).toThrow(TimerDefinitionError);
  });

  it('given no offset when parsed then refuses as ambiguous', () => {
    expect(() => parseDateTime('2024-05-01T10:00:00')).toThrow(/has no UTC offset/);
  });

  it('given malformed or impossible dates when parsed then throws naming the value', () => {
    for (const bad of [
      '',
      '2024-05-01',
      '2024-13-01T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T10:60:00Z',
      '2024-05-01T10:00:00+19:00',
      'tomorrow',
    ]) {
      expect(() => parseDateTime(bad), bad).toThrow(TimerDefinitionError);
    }
    expect(() => parseDateTime('tomorrow')).toThrow(/"tomorrow"/);
  });

  it('given a leap day when parsed then accepts it', () => {
    expect(parseDateTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });
});
