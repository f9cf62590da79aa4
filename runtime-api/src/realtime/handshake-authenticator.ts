import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { viewerOf, type LiveViewer } from './live-viewer.js';

/** The socket.io handshake's `auth` object, as sent by the client: one of the two credentials. */
export interface HandshakeAuth {
  /** A JWT access token from `POST /api/auth/login`. */
  token?: unknown;
  /** An integration's API key. */
  apiKey?: unknown;
}

const given = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * Turns a handshake's credential into the viewer it stands for, through the same `AuthService` as
 * the HTTP guard (expired or forged tokens, disabled accounts, changed accounts and revoked keys
 * are refused alike); undefined: refused.
 */
@Injectable()
export class HandshakeAuthenticator {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  async authenticate(handshakeAuth: unknown): Promise<LiveViewer | undefined> {
    const sent = (
      typeof handshakeAuth === 'object' && handshakeAuth !== null ? handshakeAuth : {}
    ) as HandshakeAuth;
    const token = given(sent.token);
    const apiKey = given(sent.apiKey);
    if (!token && !apiKey) return undefined;
    try {
      return viewerOf(
        await this.auth.authenticate({
          authorization: token ? `Bearer ${token}` : undefined,
          apiKey,
        }),
      );
    } catch (e) {
      if (e instanceof UnauthorizedException) return undefined;
      throw e;
    }
  }
}
