import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../tokens.js';
import { AccessTokens } from './access-tokens.service.js';
import { GroupsAndSites } from './groups-and-sites.service.js';
import { LoginThrottle } from './login-throttle.service.js';
import { hashPassword, verifyPassword } from './password.js';
import { UsersService } from './users.service.js';

/** Username + password → access token, behind the failed sign-in throttle. */
@Injectable()
export class LoginService {
  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(GroupsAndSites) private readonly directory: GroupsAndSites,
    @Inject(AccessTokens) private readonly tokens: AccessTokens,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async login(
    username: string,
    password: string,
    ip: string | undefined,
  ): Promise<{ accessToken: string }> {
    // Before the password is looked at: a throttled name stays refused even with the right one.
    await this.throttle.assertAllowed(username, ip);
    const user = await this.users.findByUsername(username);
    // Same work whether or not the user exists, and the same answer.
    const ok = user
      ? await verifyPassword(password, user.passwordHash, user.salt)
      : (await hashPassword(password), false);
    if (!user || !ok) {
      await this.throttle.recordFailure(username, ip);
      this.logger.info({ username, ip }, 'sign-in failed');
      throw new UnauthorizedException('invalid username or password');
    }
    if (user.disabledAt !== null) {
      this.logger.info({ username, ip }, 'sign-in refused: account disabled');
      throw new UnauthorizedException('this account is disabled');
    }
    await this.throttle.reset(username);
    const memberships = await this.directory.membershipsOf(user.id);
    return { accessToken: this.tokens.issue(user, memberships) };
  }
}
