import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Clock } from '../common/clock.js';
import type { RuntimeConfig } from '../config.js';
import type { UserRow } from '../persistence/entities.js';
import { CLOCK, CONFIG } from '../tokens.js';
import type { Memberships } from './groups-and-sites.service.js';
import { signToken, verifyToken, type TokenClaims } from './jwt.js';

/** Issues and checks the HS256 access tokens of signed-in users. */
@Injectable()
export class AccessTokens implements OnModuleInit {
  private secret = '';

  constructor(
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.secret = this.config.jwtSecret ?? this.storedSecret();
  }

  /** The JWT secret from the data folder, generated on first use. */
  private storedSecret(): string {
    const file = join(this.config.dataDir, 'jwt-secret');
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    mkdirSync(this.config.dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret + '\n', { mode: 0o600 });
    return secret;
  }

  issue(user: UserRow, memberships: Memberships): string {
    const now = Math.floor(this.clock.now() / 1000);
    const claims: TokenClaims = {
      sub: user.id,
      username: user.username,
      roles: JSON.parse(user.roles) as string[],
      groups: memberships.groups,
      sites: memberships.sites,
      ver: user.tokenVersion,
      iat: now,
      exp: now + this.config.tokenTtlSeconds,
    };
    return signToken(claims, this.secret);
  }

  /** The claims of a token signed here and not expired by the clock; undefined otherwise. */
  verify(token: string): TokenClaims | undefined {
    return verifyToken(token, this.secret, Math.floor(this.clock.now() / 1000));
  }
}
