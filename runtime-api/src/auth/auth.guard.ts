import {
  ForbiddenException,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthService } from './auth.service.js';
import { PUBLIC_KEY, ROLES_KEY, type AuthedRequest, type Role } from './roles.js';

const header = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);

/**
 * Global guard: a valid credential (Bearer token or API key) on every route but the public ones
 * (401), then roles (403).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const principal = await this.auth.authenticate({
      authorization: header(req.headers.authorization),
      apiKey: header(req.headers['x-api-key']),
    });
    req.user = principal;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const roles = principal.roles;
    if (allowed) {
      if (!roles.some((r) => (allowed as string[]).includes(r))) {
        throw new ForbiddenException(`this needs one of the roles: ${allowed.join(', ')}`);
      }
      return true;
    }
    if (req.method === 'GET' || req.method === 'HEAD') return true;
    if (!roles.includes('admin')) throw new ForbiddenException('this needs the role: admin');
    return true;
  }
}
