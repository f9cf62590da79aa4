import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiSuite } from './api-suite.js';
import { jobsSuite } from './jobs-suite.js';
import { messagesSuite } from './messages-suite.js';
import { timersSuite } from './timers-suite.js';

const sqlite = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'safeflow-api-'));
  return {
    config: () => ({ dataDir }),
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
};

apiSuite('sqlite', sqlite);
jobsSuite('sqlite', sqlite);
timersSuite('sqlite', sqlite);
messagesSuite('sqlite', sqlite);
