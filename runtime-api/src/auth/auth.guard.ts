import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY, type AuthedRequest, type Role } from './roles.js';
import { UsersService } from './users.service.js';

/** Global guard: a valid bearer token on every route but the public ones (401), then roles (403). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(UsersService) private readonly users: UsersService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const claims = match ? this.users.verify(match[1]!) : undefined;
    if (!claims) throw new UnauthorizedException('a valid Bearer token is required');
    req.user = claims;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const roles = claims.roles;
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
