import type { Principal } from '../auth/roles.js';
import { readsOwnOnly } from '../tasks/task-access.js';

/** Who is on the other end of a socket, as the handshake established it. */
export interface LiveViewer {
  username: string;
  roles: string[];
  /** Work groups the user belongs to (a task's candidate groups match these). */
  groups: string[];
  /**
   * Receives every event: a role that reads every task (admin, safety-officer, manager, auditor,
   * integrator). Others (workers) see only their own work — see `taskRooms`.
   */
  overseer: boolean;
  /** When the credential stops being valid (ms since epoch); null: an API key, until revoked. */
  expiresAt: number | null;
}

export function viewerOf(principal: Principal): LiveViewer {
  return {
    username: principal.username,
    roles: [...principal.roles],
    groups: [...principal.groups],
    overseer: !readsOwnOnly(principal),
    expiresAt: principal.expiresAt,
  };
}

/** Room of the sockets that receive every event. */
export const EVERYTHING_ROOM = 'everything';
export const userRoom = (username: string) => `user:${username}`;
/** Unassigned tasks offered to a role reach its users through this room. */
export const roleRoom = (role: string) => `role:${role}`;
/** Unassigned tasks offered to a group reach its members through this room. */
export const groupRoom = (group: string) => `group:${group}`;
/** Sockets that asked for the step-by-step activity of one instance. */
export const instanceRoom = (instanceId: string) => `instance:${instanceId}`;

/** The rooms a viewer's socket joins on connection. */
export function roomsOf(viewer: LiveViewer): string[] {
  return [
    ...(viewer.overseer ? [EVERYTHING_ROOM] : []),
    userRoom(viewer.username),
    ...viewer.roles.map(roleRoom),
    ...viewer.groups.map(groupRoom),
  ];
}
