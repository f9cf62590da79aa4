import { describe, expect, it } from 'vitest';

import type { EngineEvent } from './engine-access.js';
import { markerTrace } from './trace-reader.js';

let seq = 0;
function ev(
  type: EngineEvent['type'],
  elementId: string,
  key: number,
  scopeKey?: number,
  payload = {},
): EngineEvent {
  return {
    seq: ++seq,
    instanceId: 'i1',
    type,
    elementId,
    key,
    ...(scopeKey !== undefined ? { scopeKey } : {}),
    at: 0,
    payload,
  };
}

describe('markerTrace', () => {
  it('takes completed marker elements in log order', () => {
    const events = [
      ev('element.activated', 't1', 2, 1),
      ev('element.completed', 't1', 2, 1),
      ev('element.completed', 'other', 3, 1),
      ev('element.terminated', 't2', 4, 1),
      ev('element.completed', 't2', 5, 1),
    ];
    expect(markerTrace(events, ['t1', 't2'])).toEqual(['t1', 't2']);
  });

  it('leaves out a multi-instance body', () => {
    const events = [
      ev('element.activated', 'mi', 10, 1, { role: 'miBody' }),
      ev('element.activated', 'mi', 11, 10, { role: 'inner' }),
      ev('element.completed', 'mi', 11, 10),
      ev('element.activated', 'mi', 12, 10, { role: 'inner' }),
      ev('element.completed', 'mi', 12, 10),
      ev('element.completed', 'mi', 10, 1),
    ];
    expect(markerTrace(events, ['mi'])).toEqual(['mi', 'mi']);
  });

  it('detects a body by enclosure when no role is given', () => {
    const events = [ev('element.completed', 'lp', 21, 20), ev('element.completed', 'lp', 20, 1)];
    expect(markerTrace(events, ['lp'])).toEqual(['lp']);
  });
});
