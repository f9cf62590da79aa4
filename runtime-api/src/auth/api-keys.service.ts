import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiKeyEntity, type ApiKeyRow } from '../persistence/identity-entities.js';
import { CLOCK, DATA_SOURCE, LOGGER } from '../tokens.js';
import { apiKeyId, apiKeyMatches, newApiKey } from './api-key-secret.js';
import { assertName, invalidField, isUniqueViolation } from './field-error.js';
import { IdentityWrites } from './identity-writes.js';
import { API_KEY_USER_PREFIX } from './users.service.js';
import type { Principal, Role } from './roles.js';

/** A key as listed: never the key, never its hash. */
export interface ApiKeyDto {
  id: string;
  name: string;
  roles: string[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The answer to creating a key: the only time `key` is ever shown. */
export interface CreatedApiKeyDto {
  id: string;
  name: string;
  roles: string[];
  key: string;
  createdAt: string;
}

/** `apikey:` + name must fit the 128-character actor column of the event log. */
export const API_KEY_NAME_MAX = 100;

/** lastUsedAt is refreshed at most this often, so busy integrations do not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toDto(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    roles: JSON.parse(row.roles) as string[],
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt).toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  };
}

/**
 * API keys of integrations. A key acts as `apikey:<name>` with its roles, never `admin`: a leaked
 * integration key must not be able to create users or more keys.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(IdentityWrites) private readonly writes: IdentityWrites,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(name: string, roles: Role[], actor: string): Promise<CreatedApiKeyDto> {
    assertName(name, 'name', API_KEY_NAME_MAX);
    if (roles.length === 0)
      throw invalidField('roles', 'roles: an API key needs at least one role');
    if (roles.includes('admin'))
      throw invalidField('roles', 'roles: an API key cannot have the admin role');
    const { id, key, hash } = newApiKey();
    const row: ApiKeyRow = {
      id,
      name,
      keyHash: hash,
      roles: JSON.stringify([...new Set(roles)]),
      createdBy: actor,
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    const taken = () => new ConflictException(`an API key named '${name}' already exists`);
    try {
      await this.writes.run(async (m) => {
        if (await m.getRepository(ApiKeyEntity).findOneBy({ name })) throw taken();
        await m.getRepository(ApiKeyEntity).insert(row);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw taken();
      throw e;
    }
    this.logger.info({ apiKeyId: id, name, roles, actor }, 'API key created');
    return {
      id,
      name,
      roles: JSON.parse(row.roles) as string[],
      key,
      createdAt: iso(row.createdAt)!,
    };
  }

  async list(): Promise<ApiKeyDto[]> {
    return (
      await this.ds.getRepository(ApiKeyEntity).find({ order: { createdAt: 'ASC', name: 'ASC' } })
    ).map(toDto);
  }

  /** Revokes a key (it stays listed, with `revokedAt`); revoking it again changes nothing. */
  async revoke(id: string, actor: string): Promise<void> {
    const revoked = await this.writes.run(async (m) => {
      const repo = m.getRepository(ApiKeyEntity);
      const row = await repo.findOneBy({ id });
      if (!row) throw new NotFoundException({ statusCode: 404, message: `no API key '${id}'` });
      if (row.revokedAt !== null) return false;
      await repo.update({ id }, { revokedAt: this.clock.now() });
      return true;
    });
    if (revoked) this.logger.info({ apiKeyId: id, actor }, 'API key revoked');
  }

  /** The principal of a presented key; 401 for a malformed, unknown, wrong or revoked one. */
  async authenticate(key: string): Promise<Principal> {
    const id = apiKeyId(key);
    if (!id) throw new UnauthorizedException('malformed API key: expected sfk_<id>_<secret>');
    const row = await this.ds.getRepository(ApiKeyEntity).findOneBy({ id });
    if (!row || !apiKeyMatches(key, row.keyHash))
      throw new UnauthorizedException('invalid API key');
    if (row.revokedAt !== null) throw new UnauthorizedException('this API key has been revoked');
    const now = this.clock.now();
    if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
      await this.writes.run((m) =>
        m.getRepository(ApiKeyEntity).update({ id }, { lastUsedAt: now }),
      );
    }
    return {
      sub: row.id,
      username: `${API_KEY_USER_PREFIX}${row.name}`,
      roles: JSON.parse(row.roles) as string[],
      groups: [],
      sites: [],
      via: 'api-key',
      expiresAt: null,
    };
  }
}
