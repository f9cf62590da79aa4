import { ConflictException, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { UserEntity } from '../persistence/entities.js';
import {
  GroupEntity,
  SiteEntity,
  UserGroupEntity,
  UserSiteEntity,
  type DirectoryEntryRow,
} from '../persistence/identity-entities.js';
import { CLOCK, DATA_SOURCE, LOGGER } from '../tokens.js';
import { assertName, invalidField, isUniqueViolation } from './field-error.js';
import { IdentityWrites } from './identity-writes.js';
import { ROLES } from './roles.js';

/** A group is a set of people (a work crew); a site a plant area or unit people work in. */
export type DirectoryKind = 'group' | 'site';

export interface DirectoryEntryDto {
  name: string;
  description: string | null;
  /** Usernames of the members, sorted. */
  members: string[];
  createdAt: string;
}

export interface Memberships {
  groups: string[];
  sites: string[];
}

const ENTRY = { group: GroupEntity, site: SiteEntity } as const;
const MEMBER = { group: UserGroupEntity, site: UserSiteEntity } as const;
const FIELD = { group: 'groups', site: 'sites' } as const;
export const DIRECTORY_NAME_MAX = 128;

/** Groups and sites, and who belongs to them. */
@Injectable()
export class GroupsAndSites {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(IdentityWrites) private readonly writes: IdentityWrites,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(
    kind: DirectoryKind,
    name: string,
    description: string | undefined,
  ): Promise<DirectoryEntryDto> {
    assertName(name, 'name', DIRECTORY_NAME_MAX);
    // Task candidate lists mix roles and groups: a group named like a role would be ambiguous.
    if (kind === 'group' && (ROLES as readonly string[]).includes(name))
      throw invalidField('name', `name: '${name}' is a role; a group needs another name`);
    const row: DirectoryEntryRow = {
      name,
      description: description ?? null,
      createdAt: this.clock.now(),
    };
    try {
      await this.writes.run(async (m) => {
        if (await m.getRepository(ENTRY[kind]).findOneBy({ name }))
          throw new ConflictException(`${kind} '${name}' already exists`);
        await m.getRepository(ENTRY[kind]).insert(row);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictException(`${kind} '${name}' already exists`);
      throw e;
    }
    this.logger.info({ [kind]: name }, `${kind} created`);
    return toDto(row, []);
  }

  async list(kind: DirectoryKind): Promise<DirectoryEntryDto[]> {
    const rows = await this.ds.getRepository(ENTRY[kind]).find({ order: { name: 'ASC' } });
    const members = await this.ds.getRepository(MEMBER[kind]).find();
    const users = await this.ds
      .getRepository(UserEntity)
      .find({ select: { id: true, username: true } });
    const usernames = new Map(users.map((u) => [u.id, u.username]));
    return rows.map((row) =>
      toDto(
        row,
        members
          .filter((mb) => mb.name === row.name)
          .map((mb) => usernames.get(mb.userId) ?? mb.userId)
          .sort(),
      ),
    );
  }

  /** Refuses (400, naming them) names that are not existing groups / sites. */
  async assertExist(m: EntityManager, kind: DirectoryKind, names: string[]): Promise<void> {
    if (names.length === 0) return;
    const found = await m.getRepository(ENTRY[kind]).findBy({ name: In(names) });
    const known = new Set(found.map((r) => r.name));
    const unknown = [...new Set(names.filter((n) => !known.has(n)))];
    if (unknown.length > 0)
      throw invalidField(FIELD[kind], `${FIELD[kind]}: unknown ${kind}(s) ${unknown.join(', ')}`);
  }

  /** Makes `names` the user's groups / sites (checked to exist). */
  async setMemberships(
    m: EntityManager,
    userId: string,
    kind: DirectoryKind,
    names: string[],
  ): Promise<void> {
    await this.assertExist(m, kind, names);
    const repo = m.getRepository(MEMBER[kind]);
    await repo.delete({ userId });
    const unique = [...new Set(names)];
    if (unique.length > 0) await repo.insert(unique.map((name) => ({ userId, name })));
  }

  async membershipsOf(userId: string, m: EntityManager = this.ds.manager): Promise<Memberships> {
    const groups = await m.getRepository(UserGroupEntity).findBy({ userId });
    const sites = await m.getRepository(UserSiteEntity).findBy({ userId });
    return {
      groups: groups.map((g) => g.name).sort(),
      sites: sites.map((s) => s.name).sort(),
    };
  }

  /** Every user's memberships, by user id (for listing users). */
  async allMemberships(): Promise<Map<string, Memberships>> {
    const out = new Map<string, Memberships>();
    const of = (id: string) => {
      let entry = out.get(id);
      if (!entry) out.set(id, (entry = { groups: [], sites: [] }));
      return entry;
    };
    for (const g of await this.ds.getRepository(UserGroupEntity).find({ order: { name: 'ASC' } }))
      of(g.userId).groups.push(g.name);
    for (const s of await this.ds.getRepository(UserSiteEntity).find({ order: { name: 'ASC' } }))
      of(s.userId).sites.push(s.name);
    return out;
  }
}

function toDto(row: DirectoryEntryRow, members: string[]): DirectoryEntryDto {
  return {
    name: row.name,
    description: row.description,
    members,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
