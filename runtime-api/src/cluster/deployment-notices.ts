import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { EngineHost } from '../engine-host/engine-host.js';
import { LOGGER } from '../tokens.js';
import { ClusterBus } from './cluster-bus.js';
import { DEPLOYMENT_NOTICE } from './deployment-catch-up.js';

/**
 * Deployments between replicas: once one is stored here, the others are told (`deployment`
 * notice) and load the stored deployments they lack into their engines at once, so a process
 * deployed on one replica can be started, fired, correlated and loaded on every replica. A lost
 * notice is made good by the host itself (a command meeting an unknown process loads them first).
 */
@Injectable()
export class DeploymentNotices implements OnModuleInit, OnApplicationShutdown {
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    @Inject(EngineHost) private readonly host: EngineHost,
    @Inject(ClusterBus) private readonly cluster: ClusterBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.cluster.enabled) return;
    await this.cluster.start();
    this.unsubscribe.push(
      this.host.deployments.onStoredHere((ordinal) => {
        this.cluster
          .notify(DEPLOYMENT_NOTICE)
          .catch((err: unknown) =>
            this.logger.error({ err, ordinal }, 'deployment notice could not be sent'),
          );
      }),
      this.cluster.subscribe((notice, own) => {
        if (notice.kind === DEPLOYMENT_NOTICE && !own) this.catchUp();
      }),
      // Notices sent while the connection was down are lost.
      this.cluster.onReconnect(() => this.catchUp()),
    );
    // Listening now: whatever was stored between the host's start and here is loaded too.
    await this.host.deployments.loadNew();
  }

  onApplicationShutdown(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private catchUp(): void {
    this.host.deployments
      .loadNew()
      .catch((err: unknown) =>
        this.logger.error({ err }, 'deployments of another replica could not be loaded'),
      );
  }
}
