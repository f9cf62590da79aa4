import { Body, Controller, Get, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { BodyValidation } from '../common/validation.js';
import { BodyWithFlags } from './body-with-flags.js';
import { actorOf, assertKnownRoles, Roles, type AuthedRequest, type Principal } from './roles.js';
import { UsersService, type NewUser, type UserChange, type UserDto } from './users.service.js';

const CREATE_BODY = new BodyValidation({
  username: { type: 'string', required: true, minLength: 1, maxLength: 128 },
  password: { type: 'string', required: true, minLength: 8, maxLength: 1024 },
  roles: { type: 'string[]', required: true },
  groups: { type: 'string[]' },
  sites: { type: 'string[]' },
});

const CHANGE_BODY = new BodyWithFlags(
  {
    roles: { type: 'string[]' },
    groups: { type: 'string[]' },
    sites: { type: 'string[]' },
    password: { type: 'string', minLength: 8, maxLength: 1024 },
  },
  ['disabled'],
  true,
);

/** Who am I: what the server knows of the caller (a user or an API key). */
export interface MeDto {
  id: string;
  username: string;
  roles: string[];
  groups: string[];
  sites: string[];
  via: Principal['via'];
}

@Controller('api/users')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Roles('admin')
  @Post()
  create(
    @Body(CREATE_BODY)
    body: Omit<NewUser, 'roles'> & { roles: string[] },
  ): Promise<UserDto> {
    assertKnownRoles(body.roles);
    return this.users.create({ ...body, roles: body.roles });
  }

  @Roles('admin', 'auditor')
  @Get()
  list(): Promise<UserDto[]> {
    return this.users.list();
  }

  /** Any signed-in user or key: answered from the (just verified) credential. */
  @Get('me')
  me(@Req() req: AuthedRequest): MeDto {
    const p = req.user!;
    return {
      id: p.sub,
      username: p.username,
      roles: p.roles,
      groups: p.groups,
      sites: p.sites,
      via: p.via,
    };
  }

  @Roles('admin')
  @Patch(':id')
  update(
    @Param('id') id: string,
    @Body(CHANGE_BODY) body: Omit<UserChange, 'roles'> & { roles?: string[] },
    @Req() req: AuthedRequest,
  ): Promise<UserDto> {
    if (body.roles) assertKnownRoles(body.roles);
    const change: UserChange = {
      ...(body.roles ? { roles: body.roles } : {}),
      ...(body.groups ? { groups: body.groups } : {}),
      ...(body.sites ? { sites: body.sites } : {}),
      ...(typeof body.disabled === 'boolean' ? { disabled: body.disabled } : {}),
      ...(body.password ? { password: body.password } : {}),
    };
    return this.users.update(id, change, actorOf(req));
  }
}
