import { Module } from '@nestjs/common';
import { HandshakeAuthenticator } from './handshake-authenticator.js';
import { LiveEventsGateway } from './live-events.gateway.js';
import { TaskDirectory } from './task-directory.js';

/**
 * Live events for tasks, instances and incidents over socket.io, per user and role. Credentials
 * are checked by the (global) auth module's `AuthService`.
 */
@Module({ providers: [LiveEventsGateway, HandshakeAuthenticator, TaskDirectory] })
export class RealtimeModule {}
