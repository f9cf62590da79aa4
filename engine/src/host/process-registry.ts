import type { ProcessModel } from '../model/process-model.js';

export interface ProcessVersion {
  model: ProcessModel;
  processId: string;
  key: string;
  version: number;
  deploymentId: string;
  hash: string;
  versionTag?: string;
}

/** Deployed process versions by process id; instances stay on the version they started with. */
export class ProcessRegistry {
  private readonly byId = new Map<string, ProcessVersion[]>();
  private readonly byKey = new Map<string, ProcessVersion>();

  latest(processId: string): ProcessVersion | undefined {
    const list = this.byId.get(processId);
    return list?.[list.length - 1];
  }

  get(processId: string, version?: number): ProcessVersion | undefined {
    if (version === undefined) return this.latest(processId);
    return this.byId.get(processId)?.[version - 1];
  }

  byProcessKey(key: string): ProcessVersion | undefined {
    return this.byKey.get(key);
  }

  inDeployment(processId: string, deploymentId: string): ProcessVersion | undefined {
    return this.byId.get(processId)?.find((v) => v.deploymentId === deploymentId);
  }

  withVersionTag(processId: string, tag: string): ProcessVersion | undefined {
    const list = this.byId.get(processId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.versionTag === tag) return list[i];
    return undefined;
  }

  /** Adds a version unless the latest one has the same content; returns the version in force. */
  add(
    model: ProcessModel,
    deploymentId: string,
    hash: string,
    versionTag?: string,
  ): { version: ProcessVersion; isNew: boolean } {
    const list = this.byId.get(model.id) ?? [];
    const last = list[list.length - 1];
    if (last && last.hash === hash) return { version: last, isNew: false };
    const version = list.length + 1;
    const v: ProcessVersion = {
      model,
      processId: model.id,
      key: `${model.id}:${version}`,
      version,
      deploymentId,
      hash,
      ...(versionTag ? { versionTag } : {}),
    };
    list.push(v);
    this.byId.set(model.id, list);
    this.byKey.set(v.key, v);
    return { version: v, isNew: true };
  }

  all(): ProcessVersion[] {
    return [...this.byKey.values()];
  }

  latestAll(): ProcessVersion[] {
    return [...this.byId.values()].map((l) => l[l.length - 1]!);
  }
}
