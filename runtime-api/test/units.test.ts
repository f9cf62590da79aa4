import { describe, expect, it } from 'vitest';
import { eventHash, GENESIS_HASH, verifyChain } from '../src/audit/hash-chain.js';
import { signToken, verifyToken } from '../src/auth/jwt.js';
import { hashPassword, verifyPassword } from '../src/auth/password.js';

function chain(n: number) {
  const rows = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields = {
      instanceId: 'i',
      seq,
      type: 'variables.set',
      elementId: null,
      elementKey: null,
      scopeKey: null,
      actor: 'admin',
      at: 1000 + seq,
      payload: JSON.stringify({ seq }),
    };
    const hash = eventHash(prev, fields);
    rows.push({ ...fields, hash, prevHash: prev });
    prev = hash;
  }
  return { rows, head: { lastSeq: n, headHash: prev } };
}

describe('hash chain', () => {
  it('accepts an intact chain', () => {
    const { rows, head } = chain(5);
    expect(verifyChain(rows, head)).toEqual({ valid: true, checked: 5 });
  });

  it('names the first edited, deleted or missing-at-the-end event', () => {
    const edited = chain(5);
    edited.rows[2] = { ...edited.rows[2]!, actor: 'mallory' };
    expect(verifyChain(edited.rows, edited.head)).toMatchObject({
      valid: false,
      firstBrokenSeq: 3,
    });

    const gap = chain(5);
    gap.rows.splice(1, 1);
    expect(verifyChain(gap.rows, gap.head)).toMatchObject({ valid: false, firstBrokenSeq: 2 });

    const tail = chain(5);
    tail.rows.pop();
    expect(verifyChain(tail.rows, tail.head)).toMatchObject({ valid: false, firstBrokenSeq: 5 });
  });
});

describe('tokens and passwords', () => {
  it('signs and verifies tokens, refusing expired, forged or re-signed ones', () => {
    const claims = { sub: 'u1', username: 'ada', roles: ['auditor'], iat: 100, exp: 200 };
    const token = signToken(claims, 'secret');
    expect(verifyToken(token, 'secret', 150)).toEqual(claims);
    expect(verifyToken(token, 'secret', 200)).toBeUndefined();
    expect(verifyToken(token, 'other', 150)).toBeUndefined();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString(
      'base64url',
    );
    expect(verifyToken(`${h}.${forged}.${s}`, 'secret', 150)).toBeUndefined();
  });

  it('hashes passwords with a per-user salt', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(await verifyPassword('correct horse', a.hash, a.salt)).toBe(true);
    expect(await verifyPassword('wrong horse', a.hash, a.salt)).toBe(false);
  });
});
