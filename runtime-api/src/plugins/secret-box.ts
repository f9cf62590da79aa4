import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Version tag of the sealed format, so the format (or key) can change later without guessing. */
const FORMAT = 'v1';
const IV_BYTES = 12;

/**
 * Encrypts plugin secrets (broker passwords, API tokens, SMTP passwords) for the database with
 * AES-256-GCM: confidentiality and integrity in one, so a tampered or swapped value fails to open
 * instead of reaching a plugin. Every value gets a fresh random 96-bit IV: GCM with a repeated
 * (key, IV) pair leaks the XOR of the plaintexts and lets an attacker forge tags, and a counter
 * would need state shared by every replica. The plugin and field name are bound in as additional
 * authenticated data, so a sealed value copied to another plugin's or field's row does not open.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyMaterial: string) {
    if (keyMaterial.length < 16)
      throw new Error('the secrets key must be at least 16 characters (32 random bytes advised)');
    // HKDF turns whatever the operator gave (hex, base64, a long passphrase) into exactly 256 bits.
    this.key = Buffer.from(
      hkdfSync('sha256', keyMaterial, 'safeflow-plugin-secrets', 'aes-256-gcm v1', 32),
    );
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [FORMAT, iv, tag, body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join(':');
  }

  /** Throws when the value was sealed under another key or context, or was changed. */
  open(sealed: string, context: string): string {
    const [format, iv, tag, body] = sealed.split(':');
    if (format !== FORMAT || iv === undefined || tag === undefined || body === undefined)
      throw new Error('not a sealed value of a known format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}

/**
 * The secrets key: `SAFEFLOW_SECRETS_KEY` when given, otherwise `<dataDir>/secrets-key`, generated
 * on first use with mode 600 (like the JWT secret). Losing the file makes stored secrets unreadable:
 * back it up with the database, but not in the same place.
 */
export function secretsKeyOf(config: { secretsKey?: string; dataDir: string }): string {
  if (config.secretsKey) return config.secretsKey;
  const file = join(config.dataDir, 'secrets-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  try {
    // `wx`: never overwrite a key another process wrote meanwhile (that would orphan its secrets).
    writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw e;
  }
}
