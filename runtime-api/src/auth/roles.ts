import { SetMetadata } from '@nestjs/common';
import { invalidField } from './field-error.js';

export const ROLES = [
  'admin',
  'safety-officer',
  'manager',
  'worker',
  'auditor',
  'integrator',
] as const;
export type Role = (typeof ROLES)[number];

export const PUBLIC_KEY = 'safeflow:public';
export const ROLES_KEY = 'safeflow:roles';

/** No token needed (health, login). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Roles allowed on a route. Without it: reads (GET) are open to every signed-in user, writes to
 * admins only. The auditor is read-only everywhere: it appears on no write route.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The roles that may change things in day-to-day work. */
export const OPERATORS: Role[] = ['admin', 'safety-officer', 'manager', 'worker', 'integrator'];

/**
 * Who a request (or socket) comes from, once authenticated: a signed-in user (from the claims of
 * their access token) or an integration's API key (username `apikey:<name>`, no groups or sites).
 */
export interface Principal {
  /** The user's id, or the API key's id. */
  sub: string;
  username: string;
  roles: string[];
  /** Work groups / crews, e.g. `maintenance-crew-3`. */
  groups: string[];
  /** Sites / plant units, e.g. `unit-3`. */
  sites: string[];
  /** How it proved who it is. */
  via: 'token' | 'api-key';
  /** When the credential stops being valid (ms since epoch); null for an API key (until revoked). */
  expiresAt: number | null;
}

/** The parts of an HTTP request the guard reads and sets. */
export interface AuthedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  user?: Principal;
}

/** Refuses (400, naming `field`) role names SafeFlow does not know. */
export function assertKnownRoles(roles: string[], field = 'roles'): asserts roles is Role[] {
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0)
    throw invalidField(field, `${field}: unknown role(s) ${unknown.join(', ')}`);
}

export function actorOf(req: AuthedRequest): string {
  return req.user?.username ?? 'system';
}
