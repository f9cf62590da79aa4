import { Global, Module } from '@nestjs/common';
import { ClusterBus } from './cluster-bus.js';
import { RemoteCommitFeed } from './remote-commit-feed.js';

/**
 * Several replicas on one PostgreSQL: commits and plugin configuration changes made on one replica
 * reach the others (LISTEN/NOTIFY). On sqlite (one process) it does nothing.
 */
@Global()
@Module({ providers: [ClusterBus, RemoteCommitFeed], exports: [ClusterBus, RemoteCommitFeed] })
export class ClusterModule {}
