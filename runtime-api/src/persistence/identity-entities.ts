import { EntitySchema } from 'typeorm';
import { asNumber } from './as-number.js';

/**
 * A credential of an integration (ERP, SCADA bridge, gas-detector gateway). Only the SHA-256 of
 * the key is kept: the key itself is shown once, when it is created.
 */
export interface ApiKeyRow {
  id: string;
  name: string;
  /** Hex SHA-256 of the whole key string. */
  keyHash: string;
  /** JSON: string[] */
  roles: string;
  createdBy: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export const ApiKeyEntity = new EntitySchema<ApiKeyRow>({
  name: 'ApiKey',
  tableName: 'api_key',
  columns: {
    id: { type: 'varchar', length: 64, primary: true },
    name: { type: 'varchar', length: 128, unique: true },
    keyHash: { name: 'key_hash', type: 'varchar', length: 64 },
    roles: { type: 'text' },
    createdBy: { name: 'created_by', type: 'varchar', length: 128 },
    createdAt: { name: 'created_at', type: 'bigint', transformer: asNumber },
    lastUsedAt: { name: 'last_used_at', type: 'bigint', nullable: true, transformer: asNumber },
    revokedAt: { name: 'revoked_at', type: 'bigint', nullable: true, transformer: asNumber },
  },
});

/** A named group of people, e.g. a work crew (`maintenance-crew-3`), or a site / plant unit (`unit-3`). */
export interface DirectoryEntryRow {
  name: string;
  description: string | null;
  createdAt: number;
}

const directoryColumns = {
  name: { type: 'varchar', length: 128, primary: true },
  description: { type: 'varchar', length: 512, nullable: true },
  createdAt: { name: 'created_at', type: 'bigint', transformer: asNumber },
} as const;

export const GroupEntity = new EntitySchema<DirectoryEntryRow>({
  name: 'Group',
  tableName: 'app_group',
  columns: directoryColumns,
});

export const SiteEntity = new EntitySchema<DirectoryEntryRow>({
  name: 'Site',
  tableName: 'site',
  columns: directoryColumns,
});

/** A user's membership of a group (`name` is the group's) or of a site (the site's). */
export interface MembershipRow {
  userId: string;
  name: string;
}

export const UserGroupEntity = new EntitySchema<MembershipRow>({
  name: 'UserGroup',
  tableName: 'user_group_member',
  columns: {
    userId: { name: 'user_id', type: 'varchar', length: 64, primary: true },
    name: { name: 'group_name', type: 'varchar', length: 128, primary: true },
  },
});

export const UserSiteEntity = new EntitySchema<MembershipRow>({
  name: 'UserSite',
  tableName: 'user_site_member',
  columns: {
    userId: { name: 'user_id', type: 'varchar', length: 64, primary: true },
    name: { name: 'site_name', type: 'varchar', length: 128, primary: true },
  },
});

/**
 * Failed sign-ins of one subject (`user:<username>` or `ip:<address>`) in the window that began
 * at `windowStart`. In the database, so every replica counts the same failures.
 */
export interface LoginFailureRow {
  subject: string;
  windowStart: number;
  failures: number;
}

export const LoginFailureEntity = new EntitySchema<LoginFailureRow>({
  name: 'LoginFailure',
  tableName: 'login_failure',
  columns: {
    subject: { type: 'varchar', length: 200, primary: true },
    windowStart: { name: 'window_start', type: 'bigint', transformer: asNumber },
    failures: { type: 'integer' },
  },
});

export const IDENTITY_ENTITIES = [
  ApiKeyEntity,
  GroupEntity,
  SiteEntity,
  UserGroupEntity,
  UserSiteEntity,
  LoginFailureEntity,
];
