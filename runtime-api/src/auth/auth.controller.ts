import { Body, Controller, HttpCode, Inject, Ip, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { BodyValidation } from '../common/validation.js';
import { LoginThrottledException } from './login-throttle.service.js';
import { LoginService } from './login.service.js';
import { Public } from './roles.js';

const LOGIN_BODY = new BodyValidation({
  username: { type: 'string', required: true, minLength: 1, maxLength: 128 },
  password: { type: 'string', required: true, minLength: 1, maxLength: 1024 },
});

@Controller('api/auth')
export class AuthController {
  constructor(@Inject(LoginService) private readonly logins: LoginService) {}

  /** 401 on a bad username or password or a disabled account; 429 + Retry-After when throttled. */
  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body(LOGIN_BODY) body: { username: string; password: string },
    @Ip() ip: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ accessToken: string }> {
    try {
      return await this.logins.login(body.username, body.password, clientAddress(ip));
    } catch (e) {
      if (e instanceof LoginThrottledException)
        res.setHeader('Retry-After', String(e.retryAfterSeconds));
      throw e;
    }
  }
}

/** `::ffff:10.0.0.7` and `10.0.0.7` are one client. */
function clientAddress(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}
