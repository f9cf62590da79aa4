import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * API key material: `sfk_<id>_<secret>`, the id a UUID (so the key's row is found without
 * scanning), the secret 32 random bytes in base64url (43 characters, may contain `_` and `-`).
 */
const KEY_PATTERN =
  /^sfk_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  id: string;
  /** The whole key, shown to the admin once. */
  key: string;
  /** What is stored instead of it. */
  hash: string;
}

export function newApiKey(): NewApiKey {
  const id = randomUUID();
  const key = `sfk_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: hashApiKey(key) };
}

/** The key's id, or undefined when the string is not shaped like a SafeFlow API key. */
export function apiKeyId(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/**
 * SHA-256, not a slow password hash: the secret is 256 bits from the CSPRNG, so there is no
 * dictionary to try and brute force is out of reach whatever the hash speed. A slow KDF (scrypt,
 * as for passwords) would buy nothing here and would cost CPU on every integration request — a
 * lever for anyone sending junk keys.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented key with a stored hash. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const given = Buffer.from(hashApiKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
