import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { AccessTokens } from './access-tokens.service.js';
import { ApiKeysService } from './api-keys.service.js';
import type { Principal } from './roles.js';
import { UsersService } from './users.service.js';

/** A raw credential as a request or a socket handshake carries it. */
export interface Credentials {
  /** `Bearer <access token>` or `ApiKey <key>` (the Authorization header). */
  authorization?: string | undefined;
  /** An API key (the X-API-Key header). */
  apiKey?: string | undefined;
  /** A bare access token, as a socket.io handshake's `auth.token` carries it. */
  token?: string | undefined;
}

/**
 * The one place a credential becomes a principal: the HTTP guard uses it, and so does anything
 * else that must know who is on the other end (the socket.io handshake). Throws 401 with a
 * message saying what is wrong; the credential itself never appears in it or in a log.
 */
@Injectable()
export class AuthService {
  constructor(
    @Inject(AccessTokens) private readonly tokens: AccessTokens,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(ApiKeysService) private readonly apiKeys: ApiKeysService,
  ) {}

  async authenticate(credentials: Credentials): Promise<Principal> {
    const authorization = credentials.authorization?.trim() || undefined;
    const apiKey = credentials.apiKey?.trim() || undefined;
    const token = credentials.token?.trim() || undefined;
    if ([authorization, apiKey, token].filter(Boolean).length > 1)
      throw new UnauthorizedException('send one credential (a token or an API key), not several');
    if (apiKey) return this.apiKeys.authenticate(apiKey);
    if (token) return this.fromToken(token);
    if (!authorization)
      throw new UnauthorizedException(
        'a valid Bearer token (or an API key: X-API-Key or Authorization: ApiKey) is required',
      );
    const match = /^(Bearer|ApiKey)\s+(\S+)$/i.exec(authorization);
    if (!match)
      throw new UnauthorizedException('Authorization must be "Bearer <token>" or "ApiKey <key>"');
    if (match[1]!.toLowerCase() === 'apikey') return this.apiKeys.authenticate(match[2]!);
    return this.fromToken(match[2]!);
  }

  /** A signed, unexpired token of an account that still exists, is enabled and has not changed since. */
  private async fromToken(token: string): Promise<Principal> {
    const claims = this.tokens.verify(token);
    if (!claims) throw new UnauthorizedException('a valid Bearer token is required');
    const user = await this.users.findById(claims.sub);
    if (!user) throw new UnauthorizedException('the account of this token no longer exists');
    if (user.disabledAt !== null) throw new UnauthorizedException('this account is disabled');
    if ((claims.ver ?? 0) !== user.tokenVersion)
      throw new UnauthorizedException(
        'the account has changed since this token was issued: sign in again',
      );
    return {
      sub: claims.sub,
      username: claims.username,
      roles: claims.roles,
      groups: claims.groups ?? [],
      sites: claims.sites ?? [],
      via: 'token',
      expiresAt: claims.exp * 1000,
    };
  }
}
