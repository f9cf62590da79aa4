import { describe, expect, it } from 'vitest';

import { given } from './harness.js';

describe('FEEL now() reads the injected clock', () => {
  it('given a script task using now(), when the instance runs, then the result is the engine clock, so a replay gives the same value', async () => {
    const w = await given('script-task-feel-now');
    const id = w.start('gas-test-stamp', {});
    expect(w.state(id)).toBe('completed');
    expect(String(w.vars(id).testedAt)).toMatch(/^2026-01-01T00:00(:00)?/);
  });
});
