import { SetMetadata } from '@nestjs/common';
import type { TokenClaims } from './jwt.js';

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

/** The parts of an HTTP request the guard reads and sets. */
export interface AuthedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  user?: TokenClaims;
}

export function actorOf(req: AuthedRequest): string {
  return req.user?.username ?? 'system';
}
