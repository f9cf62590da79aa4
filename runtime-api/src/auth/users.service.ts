import { randomBytes, randomUUID } from 'node:crypto';
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  type OnModuleInit,
} from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../common/clock.js';
import type { RuntimeConfig } from '../config.js';
import { UserEntity, type UserRow } from '../persistence/entities.js';
import { CLOCK, CONFIG, DATA_SOURCE, LOGGER } from '../tokens.js';
import { invalidField, isUniqueViolation } from './field-error.js';
import { GroupsAndSites, type Memberships } from './groups-and-sites.service.js';
import { IdentityWrites } from './identity-writes.js';
import { hashPassword } from './password.js';
import type { Role } from './roles.js';

/** A user as the API shows it: no password material, no token version. */
export interface UserDto {
  id: string;
  username: string;
  roles: string[];
  groups: string[];
  sites: string[];
  disabled: boolean;
  createdAt: string;
}

export interface NewUser {
  username: string;
  password: string;
  roles: Role[];
  groups?: string[];
  sites?: string[];
}

export interface UserChange {
  roles?: Role[];
  groups?: string[];
  sites?: string[];
  disabled?: boolean;
  password?: string;
}

/** API keys act as `apikey:<name>`; no user may take a name that reads like one. */
export const API_KEY_USER_PREFIX = 'apikey:';

function toDto(u: UserRow, memberships: Memberships): UserDto {
  return {
    id: u.id,
    username: u.username,
    roles: JSON.parse(u.roles) as string[],
    groups: memberships.groups,
    sites: memberships.sites,
    disabled: u.disabledAt !== null,
    createdAt: new Date(u.createdAt).toISOString(),
  };
}

const isAdmin = (u: UserRow) => (JSON.parse(u.roles) as string[]).includes('admin');

/** User accounts: their roles, groups and sites, and whether they may sign in. */
@Injectable()
export class UsersService implements OnModuleInit {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IdentityWrites) private readonly writes: IdentityWrites,
    @Inject(GroupsAndSites) private readonly directory: GroupsAndSites,
  ) {}

  async onModuleInit(): Promise<void> {
    if ((await this.ds.getRepository(UserEntity).count()) === 0) {
      const given = this.config.adminPassword;
      const password = given ?? randomBytes(12).toString('base64url');
      await this.create({ username: 'admin', password, roles: ['admin'] });
      if (!given) {
        // Printed once, on stdout only (never in the structured log).
        process.stdout.write(`SafeFlow: created user 'admin' with password: ${password}\n`);
      }
      this.logger.info({ username: 'admin' }, 'created the first admin user');
    }
  }

  async create(input: NewUser): Promise<UserDto> {
    if (input.username.startsWith(API_KEY_USER_PREFIX))
      throw invalidField('username', `username must not start with '${API_KEY_USER_PREFIX}'`);
    const { hash, salt } = await hashPassword(input.password);
    const row: UserRow = {
      id: randomUUID(),
      username: input.username,
      passwordHash: hash,
      salt,
      roles: JSON.stringify(input.roles),
      createdAt: this.clock.now(),
      disabledAt: null,
      tokenVersion: 0,
    };
    const taken = () => new ConflictException(`user '${input.username}' already exists`);
    try {
      const memberships = await this.writes.run(async (m) => {
        const repo = m.getRepository(UserEntity);
        if (await repo.findOneBy({ username: input.username })) throw taken();
        await repo.insert(row);
        await this.directory.setMemberships(m, row.id, 'group', input.groups ?? []);
        await this.directory.setMemberships(m, row.id, 'site', input.sites ?? []);
        return this.directory.membershipsOf(row.id, m);
      });
      return toDto(row, memberships);
    } catch (e) {
      if (isUniqueViolation(e)) throw taken();
      throw e;
    }
  }

  async list(): Promise<UserDto[]> {
    const rows = await this.ds.getRepository(UserEntity).find({ order: { username: 'ASC' } });
    const memberships = await this.directory.allMemberships();
    return rows.map((u) => toDto(u, memberships.get(u.id) ?? { groups: [], sites: [] }));
  }

  findByUsername(username: string): Promise<UserRow | null> {
    return this.ds.getRepository(UserEntity).findOneBy({ username });
  }

  findById(id: string): Promise<UserRow | null> {
    return this.ds.getRepository(UserEntity).findOneBy({ id });
  }

  /**
   * Changes roles, groups, sites, the disabled flag or the password. Every change bumps the
   * account's token version, so tokens issued before it get 401 and the user signs in again
   * with what is true now (a removed role or a disabled account takes effect at once).
   */
  async update(id: string, change: UserChange, actor: string): Promise<UserDto> {
    const secret = change.password === undefined ? undefined : await hashPassword(change.password);
    const { row, memberships } = await this.writes.run(async (m) => {
      const repo = m.getRepository(UserEntity);
      const user = await repo.findOneBy({ id });
      if (!user) throw new NotFoundException({ statusCode: 404, message: `no user '${id}'` });
      const next: UserRow = {
        ...user,
        ...(change.roles ? { roles: JSON.stringify(change.roles) } : {}),
        ...(secret ? { passwordHash: secret.hash, salt: secret.salt } : {}),
        ...(change.disabled === undefined
          ? {}
          : { disabledAt: change.disabled ? (user.disabledAt ?? this.clock.now()) : null }),
        tokenVersion: user.tokenVersion + 1,
      };
      await this.keepAnAdmin(m, user, next);
      await repo.update(
        { id },
        {
          roles: next.roles,
          passwordHash: next.passwordHash,
          salt: next.salt,
          disabledAt: next.disabledAt,
          tokenVersion: next.tokenVersion,
        },
      );
      if (change.groups) await this.directory.setMemberships(m, id, 'group', change.groups);
      if (change.sites) await this.directory.setMemberships(m, id, 'site', change.sites);
      return { row: next, memberships: await this.directory.membershipsOf(id, m) };
    });
    this.logger.info(
      {
        userId: id,
        username: row.username,
        actor,
        changed: Object.keys(change).filter((k) => k !== 'password'),
        passwordChanged: change.password !== undefined,
      },
      'user changed',
    );
    return toDto(row, memberships);
  }

  /** Refuses (409) a change that would leave no enabled admin: nobody could manage users then. */
  private async keepAnAdmin(m: EntityManager, before: UserRow, after: UserRow): Promise<void> {
    const wasAdmin = isAdmin(before) && before.disabledAt === null;
    const staysAdmin = isAdmin(after) && after.disabledAt === null;
    if (!wasAdmin || staysAdmin) return;
    const others = (await m.getRepository(UserEntity).find()).filter(
      (u) => u.id !== before.id && u.disabledAt === null && isAdmin(u),
    );
    if (others.length === 0)
      throw new ConflictException({
        statusCode: 409,
        message: `'${before.username}' is the last enabled admin: it cannot be disabled or lose the admin role`,
      });
  }
}
