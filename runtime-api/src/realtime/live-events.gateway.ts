import { Inject, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { InstanceState } from '@safeflow/engine';
import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import type { DataSource } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { RemoteCommitFeed } from '../cluster/remote-commit-feed.js';
import { CommitBus, type InstanceCommit } from '../engine-host/commit-bus.js';
import { InstanceEntity } from '../persistence/entities.js';
import { CLOCK, DATA_SOURCE, LOGGER } from '../tokens.js';
import {
  tasksToRecall,
  deliveryOf,
  INSTANCE_ACTIVITY,
  type CommitDelivery,
  type LiveInstanceDto,
} from './live-events.js';
import { EVERYTHING_ROOM, instanceRoom, roomsOf, type LiveViewer } from './live-viewer.js';
import { HandshakeAuthenticator } from './handshake-authenticator.js';
import { taskFacts, viewerSeesTask } from './task-audience.js';
import { TaskDirectory } from './task-directory.js';

/** What the server keeps on each socket. */
interface SocketData {
  viewer: LiveViewer;
}
type LiveEvents = Record<string, (...args: unknown[]) => void>;
type LiveSocket = Socket<LiveEvents, LiveEvents, LiveEvents, SocketData>;

/** The answer to every client → server event. */
export type LiveAck =
  { ok: true; instance?: Omit<LiveInstanceDto, 'actor' | 'at'> } | { ok: false; error: string };

/** Longest timeout node's timers take; a longer credential is re-checked then. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * How often every socket's credential is checked again: a disabled account, a changed one (roles
 * removed) or a revoked API key stops receiving events within this time.
 */
export const LIVE_RECHECK_MS = 60_000;

/**
 * Live events over socket.io on the HTTP server (`/socket.io`). The handshake must carry a valid
 * credential (`auth: {token}` or `auth: {apiKey}`); the socket then joins the rooms of its user,
 * roles and groups, and committed changes are pushed to exactly the rooms allowed to see them.
 * Nothing a client sends can change data: the only client events subscribe to and unsubscribe
 * from one instance's activity.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false, maxHttpBufferSize: 64 * 1024 })
export class LiveEventsGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  @WebSocketServer() server!: Server;

  private unsubscribe: (() => void) | undefined;
  /** Commits are delivered one after another, in commit order, even when a task must be read back. */
  private queue: Promise<void> = Promise.resolve();
  private readonly expiry = new Map<string, NodeJS.Timeout>();
  private recheck: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CommitBus) private readonly bus: CommitBus,
    @Inject(RemoteCommitFeed) private readonly remote: RemoteCommitFeed,
    @Inject(TaskDirectory) private readonly tasks: TaskDirectory,
    @Inject(HandshakeAuthenticator) private readonly authenticator: HandshakeAuthenticator,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  afterInit(server: Server): void {
    // Refused here, before `connection`: the client gets `connect_error` 'unauthorized', no events.
    server.use((socket, next) => {
      this.authenticator.authenticate(socket.handshake.auth).then(
        (viewer) => {
          if (!viewer) return next(new Error('unauthorized'));
          (socket as LiveSocket).data.viewer = viewer;
          next();
        },
        (err: unknown) => {
          this.logger.error({ err }, 'socket handshake check failed');
          next(new Error('unauthorized'));
        },
      );
    });
    const enqueue = (commits: readonly InstanceCommit[]) => {
      const batch = [...commits];
      this.queue = this.queue
        .then(() => this.deliver(batch))
        .catch((err: unknown) => this.logger.error({ err }, 'live event delivery failed'));
    };
    // Commits of this replica and of the others (several replicas on one PostgreSQL): one path.
    const local = this.bus.subscribe(enqueue);
    const remote = this.remote.subscribe(enqueue);
    this.unsubscribe = () => {
      local();
      remote();
    };
    this.recheck = setInterval(() => void this.recheckAll(), LIVE_RECHECK_MS);
    this.recheck.unref();
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    clearInterval(this.recheck);
    for (const t of this.expiry.values()) clearTimeout(t);
    this.expiry.clear();
  }

  handleConnection(socket: LiveSocket): void {
    const viewer = socket.data.viewer;
    void socket.join(roomsOf(viewer));
    this.closeAtExpiry(socket);
    socket.on('disconnect', () => {
      clearTimeout(this.expiry.get(socket.id));
      this.expiry.delete(socket.id);
    });
  }

  /** Follow one instance step by step (`instance.activity`): for whoever may see the instance. */
  @SubscribeMessage('subscribe:instance')
  async subscribeInstance(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: unknown,
  ): Promise<LiveAck> {
    try {
      return await this.follow(socket, body);
    } catch (err) {
      this.logger.error({ err }, 'subscribe:instance failed');
      return { ok: false, error: 'the instance could not be read; try again' };
    }
  }

  private async follow(socket: LiveSocket, body: unknown): Promise<LiveAck> {
    if (!(await this.stillValid(socket))) return { ok: false, error: 'unauthorized' };
    const id = instanceIdOf(body);
    if (typeof id !== 'string') return { ok: false, error: id.error };
    const row = await this.ds.getRepository(InstanceEntity).findOneBy({ id });
    if (!row) return { ok: false, error: `no process instance '${id}'` };
    const viewer = socket.data.viewer;
    if (!viewer.overseer) {
      const state = JSON.parse(row.snapshot) as InstanceState;
      const mine = Object.values(state.tasks).some((t) => viewerSeesTask(viewer, taskFacts(id, t)));
      if (!mine)
        return {
          ok: false,
          error: `forbidden: process instance '${id}' has no task for you`,
        };
    }
    await socket.join(instanceRoom(id));
    const view = JSON.parse(row.view) as { activeElementIds: string[] };
    return {
      ok: true,
      instance: {
        id: row.id,
        processKey: row.processKey,
        businessKey: row.businessKey,
        state: row.state,
        activeElementIds: view.activeElementIds,
        parentInstanceId: row.parentId,
      },
    };
  }

  @SubscribeMessage('unsubscribe:instance')
  async unsubscribeInstance(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: unknown,
  ): Promise<LiveAck> {
    const id = instanceIdOf(body);
    if (typeof id !== 'string') return { ok: false, error: id.error };
    await socket.leave(instanceRoom(id));
    return { ok: true };
  }

  private async deliver(commits: InstanceCommit[]): Promise<void> {
    for (const commit of commits) {
      await this.tasks.recall(commit.instanceId, tasksToRecall(commit));
      this.send(deliveryOf(commit, this.tasks));
    }
  }

  private send(d: CommitDelivery): void {
    for (const e of d.events) this.server.to([EVERYTHING_ROOM, ...e.rooms]).emit(e.name, e.payload);
    // Instance rooms hold sockets that asked; each still gets only what it may see now.
    const followers = this.server.sockets.adapter.rooms.get(instanceRoom(d.instanceId));
    if (!followers || d.activity.length === 0) return;
    const allowed = new Set([EVERYTHING_ROOM, ...d.instanceRooms]);
    for (const socketId of followers) {
      const socket = this.server.sockets.sockets.get(socketId);
      if (!socket || ![...socket.rooms].some((r) => allowed.has(r))) continue;
      for (const a of d.activity) socket.emit(INSTANCE_ACTIVITY, a);
    }
  }

  /**
   * Checks every socket's credential again (see LIVE_RECHECK_MS) and closes those no longer
   * valid; returns how many were closed.
   */
  async recheckAll(): Promise<number> {
    let closed = 0;
    for (const socket of [...this.server.sockets.sockets.values()]) {
      if (!(await this.stillValid(socket as LiveSocket))) closed++;
    }
    return closed;
  }

  /** The handshake's credential, checked again now; a socket whose credential failed is closed. */
  private async stillValid(socket: LiveSocket): Promise<boolean> {
    let viewer: LiveViewer | undefined;
    try {
      viewer = await this.authenticator.authenticate(socket.handshake.auth);
    } catch (err) {
      this.logger.error({ err }, 'socket credential check failed');
      return true; // a database hiccup is not a reason to drop everyone
    }
    if (viewer && viewer.username === socket.data.viewer.username) return true;
    socket.disconnect(true);
    return false;
  }

  /** A socket lives no longer than its token: the client reconnects with a fresh one. */
  private closeAtExpiry(socket: LiveSocket): void {
    const expiresAt = socket.data.viewer.expiresAt;
    if (expiresAt === null) return; // an API key: checked by recheckAll
    const left = expiresAt - this.clock.now();
    const timer = setTimeout(
      () => (left > MAX_TIMER_MS ? this.closeAtExpiry(socket) : socket.disconnect(true)),
      Math.min(Math.max(left, 0), MAX_TIMER_MS),
    );
    timer.unref();
    this.expiry.set(socket.id, timer);
  }
}

function instanceIdOf(body: unknown): string | { error: string } {
  const id =
    typeof body === 'object' && body !== null
      ? (body as { processInstanceId?: unknown }).processInstanceId
      : undefined;
  if (typeof id !== 'string' || id.length === 0 || id.length > 200)
    return { error: 'processInstanceId must be a non-empty string (at most 200 characters)' };
  return id;
}
