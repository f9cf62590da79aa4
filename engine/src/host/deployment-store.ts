import type { ProcessVersion } from './process-registry.js';
import { ProcessRegistry } from './process-registry.js';
import { contentHash } from './content-hash.js';
import type { DeployResult } from './host-types.js';
import type { ReadDeployment } from './deployment-reader.js';

/** A deployed process version as `Engine.listProcesses` shows it. */
export interface DeployedProcessSummary {
  id: string;
  key: string;
  version: number;
  name?: string;
  deploymentId: string;
}

/**
 * Deployments and their process versions. A process gets a new version only when its content
 * changed — its BPMN or the forms and rule sets deployed with it — so redeploying the same files
 * is harmless, and a changed form reaches new permits while running ones keep the old one.
 */
export class DeploymentStore {
  readonly registry = new ProcessRegistry();
  private readonly companions = new Map<string, Map<string, string>>();
  private counter = 0;

  /** Registers a read deployment; `onNewVersion` sees each version that did not exist yet. */
  record(read: ReadDeployment, onNewVersion: (version: ProcessVersion) => void): DeployResult {
    const deploymentId = `d${++this.counter}`;
    this.companions.set(deploymentId, read.companions);
    const companionsHash = hashCompanions(read.companions);
    const processes: DeployResult['processes'] = [];
    for (const l of read.bpmn) {
      for (const model of l.models) {
        const { version, isNew } = this.registry.add(
          model,
          deploymentId,
          `${l.hash}:${model.id}${companionsHash}`,
          model.versionTag,
        );
        processes.push({ id: version.processId, key: version.key, version: version.version });
        if (isNew) onNewVersion(version);
      }
    }
    return { deploymentId, processes, warnings: read.warnings };
  }

  /** A non-BPMN resource (form schema, rule set) of a deployment. */
  resource(deploymentId: string, name: string): string | undefined {
    return this.companions.get(deploymentId)?.get(name);
  }

  processes(): DeployedProcessSummary[] {
    return this.registry.all().map((v) => ({
      id: v.processId,
      key: v.key,
      version: v.version,
      deploymentId: v.deploymentId,
      ...(v.model.name ? { name: v.model.name } : {}),
    }));
  }
}

/** The part of a version's content hash that the companion resources contribute ('' for none). */
function hashCompanions(companions: Map<string, string>): string {
  if (companions.size === 0) return '';
  return (
    ':' +
    contentHash(
      [...companions]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, text]) => `${name}\u0000${contentHash(text)}`)
        .join('\u0000'),
    )
  );
}
