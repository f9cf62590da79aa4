import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a SafeFlow access token carries. */
export interface TokenClaims {
  sub: string;
  username: string;
  roles: string[];
  /** The user's groups (work crews); tokens from before groups existed have none. */
  groups?: string[];
  /** The user's sites (plant units). */
  sites?: string[];
  /** The account's token version when issued: a later change to the account invalidates it. */
  ver?: number;
  iat: number;
  exp: number;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** HS256 JSON Web Token (RFC 7519) signed with node:crypto. */
export function signToken(claims: TokenClaims, secret: string): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** The claims of a valid, unexpired token; undefined otherwise. */
export function verifyToken(
  token: string,
  secret: string,
  nowSeconds: number,
): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [head, body, sig] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: string };
    if (header.alg !== 'HS256') return undefined;
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return undefined;
    if (typeof claims.username !== 'string' || !Array.isArray(claims.roles)) return undefined;
    if (claims.groups !== undefined && !Array.isArray(claims.groups)) return undefined;
    if (claims.sites !== undefined && !Array.isArray(claims.sites)) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}
