import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { BodyValidation } from '../common/validation.js';
import { Public, ROLES, Roles, type Role } from './roles.js';
import { UsersService, type UserDto } from './users.service.js';

@Controller('api')
export class AuthController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  login(
    @Body(
      new BodyValidation({
        username: { type: 'string', required: true, minLength: 1, maxLength: 128 },
        password: { type: 'string', required: true, minLength: 1, maxLength: 1024 },
      }),
    )
    body: {
      username: string;
      password: string;
    },
  ): Promise<{ accessToken: string }> {
    return this.users.login(body.username, body.password);
  }

  @Roles('admin')
  @Post('users')
  async createUser(
    @Body(
      new BodyValidation({
        username: { type: 'string', required: true, minLength: 1, maxLength: 128 },
        password: { type: 'string', required: true, minLength: 8, maxLength: 1024 },
        roles: { type: 'string[]', required: true },
      }),
    )
    body: {
      username: string;
      password: string;
      roles: string[];
    },
  ): Promise<UserDto> {
    const unknown = body.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
    if (unknown.length > 0) {
      throw new BadRequestException({
        message: `roles: unknown role(s) ${unknown.join(', ')}`,
        errors: [
          {
            field: 'roles',
            code: 'invalid-body',
            message: `unknown role(s): ${unknown.join(', ')}`,
          },
        ],
      });
    }
    return this.users.create(body.username, body.password, body.roles as Role[]);
  }

  @Roles('admin', 'auditor')
  @Get('users')
  list(): Promise<UserDto[]> {
    return this.users.list();
  }
}
