import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokens } from './access-tokens.service.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { GroupsAndSites } from './groups-and-sites.service.js';
import { GroupsSitesController } from './groups-sites.controller.js';
import { IdentityWrites } from './identity-writes.js';
import { LoginThrottle } from './login-throttle.service.js';
import { LoginService } from './login.service.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/**
 * Identity: users, groups and sites, API keys, sign-in (throttled) and the global guard.
 * Global, so `AuthService.authenticate` is at hand wherever a credential must be checked (the
 * socket.io handshake).
 */
@Global()
@Module({
  controllers: [AuthController, UsersController, GroupsSitesController, ApiKeysController],
  providers: [
    IdentityWrites,
    AccessTokens,
    GroupsAndSites,
    UsersService,
    LoginThrottle,
    LoginService,
    ApiKeysService,
    AuthService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, UsersService, GroupsAndSites],
})
export class AuthModule {}
