import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignInCodes } from '../../src/http/console/sign-in.js';

describe('console sign-in codes', () => {
  let now = 1_000_000;
  let issued = 0;
  const codes = () => new SignInCodes({
    ttlMs: 60_000,
    now: () => now,
    issueToken: async () => ({ token: `token-${++issued}`, expiresAt: new Date(now + 3_600_000) }),
  });

  it('exchanges a code for a token once', async () => {
    const signIn = codes();
    const code = signIn.issue();
    assert.match(code, /^[\w-]{43}$/, '256 random bits, base64url');
    assert.equal((await signIn.exchange(code))?.token.startsWith('token-'), true);
    assert.equal(await signIn.exchange(code), undefined);
  });

  it('refuses a code past its time, and one it never issued', async () => {
    const signIn = codes();
    const code = signIn.issue();
    assert.equal(await signIn.exchange(`${code}x`), undefined);
    assert.equal(await signIn.exchange(''), undefined);
    now += 60_000;
    assert.equal(await signIn.exchange(code), undefined);
  });

  it('keeps codes apart: spending one leaves the other good', async () => {
    const signIn = codes();
    const [a, b] = [signIn.issue(), signIn.issue()];
    assert.notEqual(a, b);
    assert.ok(await signIn.exchange(b));
    assert.ok(await signIn.exchange(a));
    assert.equal(await signIn.exchange(a), undefined);
  });
});
