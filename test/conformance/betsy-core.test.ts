/**
 * Acceptance of the engine issue: the engine passes every core case of the betsy conformance suite
 * (shared/conformance/betsy). Deterministic: every case runs on a virtual clock in a fresh Engine.
 */
import { describe, expect, it } from 'vitest';

import { runConformance } from './conformance-run.js';
import { conformanceRoot, hasConformanceCorpora } from './corpus-paths.js';

const available = hasConformanceCorpora();
if (!available) console.warn('betsy-core.test.ts: ../shared/conformance not found, skipped');

describe.skipIf(!available)('betsy conformance, tier core', () => {
  it('passes every core case', { timeout: 600_000 }, async () => {
    const results = await runConformance(conformanceRoot(), {
      corpora: ['betsy'],
      tiers: ['core'],
      imports: false,
    });
    expect(results.betsy.length).toBe(118);
    const failing = results.betsy
      .filter((r) => !r.pass)
      .map((r) => `${r.id}: ${r.reasons.join('; ')}`);
    expect(failing, `${failing.length} of ${results.betsy.length} core cases fail`).toEqual([]);
  });
});
