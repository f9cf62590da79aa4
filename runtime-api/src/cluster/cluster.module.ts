import { Global, Module } from '@nestjs/common';
import { ClusterBus } from './cluster-bus.js';
import { DeploymentNotices } from './deployment-notices.js';
import { RemoteCommitFeed } from './remote-commit-feed.js';

/**
 * Several replicas on one PostgreSQL: commits, deployments and plugin configuration changes made on
 * one replica reach the others (LISTEN/NOTIFY). On sqlite (one process) it does nothing.
 */
@Global()
@Module({
  providers: [ClusterBus, RemoteCommitFeed, DeploymentNotices],
  exports: [ClusterBus, RemoteCommitFeed],
})
export class ClusterModule {}
