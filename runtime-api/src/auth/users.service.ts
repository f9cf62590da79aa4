import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConflictException,
  Inject,
  Injectable,
  UnauthorizedException,
  type OnModuleInit,
} from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { RuntimeConfig } from '../config.js';
import { UserEntity, type UserRow } from '../persistence/entities.js';
import { CONFIG, DATA_SOURCE, LOGGER } from '../tokens.js';
import { signToken, verifyToken, type TokenClaims } from './jwt.js';
import { hashPassword, verifyPassword } from './password.js';
import type { Role } from './roles.js';

export interface UserDto {
  id: string;
  username: string;
  roles: string[];
  createdAt: string;
}

function toDto(u: UserRow): UserDto {
  return {
    id: u.id,
    username: u.username,
    roles: JSON.parse(u.roles) as string[],
    createdAt: new Date(u.createdAt).toISOString(),
  };
}

@Injectable()
export class UsersService implements OnModuleInit {
  private secret = '';

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.secret = this.config.jwtSecret ?? this.storedSecret();
    const repo = this.ds.getRepository(UserEntity);
    if ((await repo.count()) === 0) {
      const given = this.config.adminPassword;
      const password = given ?? randomBytes(12).toString('base64url');
      await this.create('admin', password, ['admin']);
      if (!given) {
        // Printed once, on stdout only (never in the structured log).
        process.stdout.write(`SafeFlow: created user 'admin' with password: ${password}\n`);
      }
      this.logger.info({ username: 'admin' }, 'created the first admin user');
    }
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

  async create(username: string, password: string, roles: Role[]): Promise<UserDto> {
    const repo = this.ds.getRepository(UserEntity);
    if (await repo.findOneBy({ username }))
      throw new ConflictException(`user '${username}' already exists`);
    const { hash, salt } = await hashPassword(password);
    const row: UserRow = {
      id: randomUUID(),
      username,
      passwordHash: hash,
      salt,
      roles: JSON.stringify(roles),
      createdAt: Date.now(),
    };
    await repo.insert(row);
    return toDto(row);
  }

  async list(): Promise<UserDto[]> {
    return (await this.ds.getRepository(UserEntity).find({ order: { username: 'ASC' } })).map(
      toDto,
    );
  }

  async login(username: string, password: string): Promise<{ accessToken: string }> {
    const user = await this.ds.getRepository(UserEntity).findOneBy({ username });
    // Same work whether or not the user exists, and the same answer.
    const ok = user
      ? await verifyPassword(password, user.passwordHash, user.salt)
      : (await hashPassword(password), false);
    if (!user || !ok) throw new UnauthorizedException('invalid username or password');
    const now = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      sub: user.id,
      username: user.username,
      roles: JSON.parse(user.roles) as string[],
      iat: now,
      exp: now + this.config.tokenTtlSeconds,
    };
    return { accessToken: signToken(claims, this.secret) };
  }

  verify(token: string): TokenClaims | undefined {
    return verifyToken(token, this.secret, Math.floor(Date.now() / 1000));
  }
}
