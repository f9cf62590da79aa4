import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundledDeployments,
  createApp,
  deployBundled,
  type RuntimeApp,
} from '@safeflow/runtime-api';

describe('bundled deployments (demo permit + templates) on start', () => {
  let dataDir = '';
  const open = () =>
    createApp({
      port: 0,
      tokenTtlSeconds: 3600,
      bodyLimit: '1mb',
      logLevel: 'silent',
      jwtSecret: 'test-secret',
      adminPassword: 'admin-test-password',
      dataDir,
    });
  let runtime: RuntimeApp;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'safeflow-bundled-'));
    runtime = await open();
  });
  afterAll(async () => {
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('given a fresh database, when the bundles are deployed twice across a restart, then the demo and both templates are deployed once', async () => {
    const { bundles, skipped } = await bundledDeployments();
    expect(skipped).toBeUndefined();
    expect(bundles.map((b) => b.name)).toEqual([
      'demo',
      'template:hot-work-permit',
      'template:routine-inspection',
    ]);
    const first = await deployBundled(runtime, bundles);
    expect(first).toEqual(
      expect.arrayContaining([
        'demo_hot_work_permit:1',
        'hot_work_permit:1',
        'routine_inspection:1',
      ]),
    );

    await runtime.close();
    runtime = await open();
    expect(await deployBundled(runtime, bundles)).toEqual([]);
  });
});
