import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiSuite } from './api-suite.js';

apiSuite('sqlite', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'safeflow-api-'));
  return {
    config: () => ({ dataDir }),
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});
