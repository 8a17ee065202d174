import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signToken } from '../../src/auth/verifier.js';
import { rememberDatabasePassword, rememberSecret, rememberSecretsIn, secretsIn } from '../helpers/secrets.js';

// The check every test server's output goes through when it stops (test/helpers/server.ts).
describe('the secrets check on server output', () => {
  it('finds a remembered secret, a database password and secrets taken from bodies', () => {
    rememberSecret('a-jwt-secret-of-some-length');
    rememberDatabasePassword('postgres://sluice:p%40ssw0rd-long-enough@db.internal/sluice');
    rememberSecretsIn({ credentials: 'here.access.key.id = K1\nhere.access.key.secret = Zm9vYmFyYmF6cXV4\n', nested: [{ accessKeySecret: 'another-secret-value' }] });
    assert.equal(secretsIn('{"msg":"started","secret":"a-jwt-secret-of-some-length"}').length, 1);
    assert.equal(secretsIn('connecting as p@ssw0rd-long-enough').length, 1);
    assert.equal(secretsIn('key Zm9vYmFyYmF6cXV4 used').length, 1);
    assert.equal(secretsIn('another-secret-value').length, 1);
  });

  it('finds a JWT and secret-shaped text it was never told about, and says where without quoting it', async () => {
    const token = await signToken(new TextEncoder().encode('x'.repeat(32)), { realm: 'r', subject: 's' });
    const leaks = secretsIn(`{"headers":{"authorization":"Bearer ${token}"}}`);
    assert.equal(leaks.length, 1);
    assert.match(leaks[0], /a JWT at offset \d+/);
    assert.ok(!leaks[0].includes(token.slice(10)));
    assert.equal(secretsIn('here.access.key.secret = abcdefghijkl').length, 1);
    assert.equal(secretsIn('signing with whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').length, 1);
  });

  it('passes ordinary output, short values and the token type', () => {
    rememberSecret('bearer');
    rememberSecretsIn({ token_type: 'bearer', roles: ['OrgAdmin'] });
    assert.deepEqual(secretsIn('{"level":30,"msg":"request completed","statusCode":200,"token_type":"bearer"}'), []);
  });
});
