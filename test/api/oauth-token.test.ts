import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { it } from 'node:test';
import OAuth from 'oauth-1.0a';
import pg from 'pg';
import { parseCredentials, type Credentials } from '../../src/domain/credentials-file.js';
import { POSTGRES_URL, startTestServer } from '../helpers/server.js';
import { describeOnStores, REALM } from '../helpers/suite.js';

/**
 * Token requests signed by `oauth-1.0a`, an OAuth implementation independent of Sluice's own
 * (src/domain/oauth-signature.ts), as a HERE SDK or any OAuth 1.0a client would sign them.
 */
function signer(credentials: Credentials, secret = credentials.accessKeySecret) {
  return new OAuth({
    consumer: { key: credentials.accessKeyId, secret },
    signature_method: 'HMAC-SHA256',
    hash_function: (base, key) => createHmac('sha256', key).update(base).digest('base64'),
  });
}

interface Signed { headers: Record<string, string>; body: string }

function signedRequest(url: string, credentials: Credentials, options: { secret?: string; timestamp?: number; nonce?: string } = {}): Signed {
  const oauth = signer(credentials, options.secret);
  const data = { grant_type: 'client_credentials' };
  const authorized = oauth.authorize({ url, method: 'POST', data });
  if (options.timestamp !== undefined || options.nonce !== undefined) {
    // Re-signed with the chosen timestamp or nonce (the library picks its own otherwise).
    if (options.timestamp !== undefined) authorized.oauth_timestamp = options.timestamp;
    if (options.nonce !== undefined) authorized.oauth_nonce = options.nonce;
    const { oauth_signature: _drop, ...unsigned } = authorized;
    authorized.oauth_signature = oauth.getSignature({ url, method: 'POST', data }, '', unsigned as OAuth.Authorization);
  }
  return {
    headers: { ...oauth.toHeader(authorized), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(data).toString(),
  };
}

/** A 4xx answered with the contract's ErrorMessage. */
function expectError(res: { status: number; body: any; text?: string }, status: number, code: string): void {
  assert.equal(res.status, status, res.text ?? JSON.stringify(res.body));
  assert.equal(res.body.status, status);
  assert.equal(res.body.code, code);
  assert.ok(typeof res.body.message === 'string' && res.body.message.length > 0);
}

async function post(url: string, signed: Signed) {
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
}

describeOnStores('apps and the token endpoint', (ctx) => {
  let credentials: Credentials;
  let appId: string;
  const tokenUrl = () => `${ctx.server.url}/oauth2/token`;

  it('creates an app whose credentials.properties is in the HERE format and points at Sluice', async () => {
    const res = await ctx.api('POST', '/sluice/v1/apps', { body: { name: 'ci-bot', roles: ['OrgAdmin'] } });
    assert.equal(res.status, 201, res.text);
    appId = res.body.app.id;
    const parsed = parseCredentials(res.body.credentials);
    assert.ok(parsed.ok);
    credentials = parsed.credentials;
    assert.equal(credentials.clientId, appId);
    assert.equal(credentials.userId, res.body.app.userId);
    assert.match(credentials.userId, /^HERE-[0-9a-f-]{36}$/);
    assert.equal(credentials.accessKeyId, res.body.accessKey.id);
    assert.equal(credentials.tokenEndpointUrl, tokenUrl());
    assert.match(credentials.accessKeySecret, /^[A-Za-z0-9_-]{86}$/);
    assert.equal(res.body.app.realm, REALM);
    assert.deepEqual(res.body.app.roles, ['OrgAdmin']);
  });

  it('answers a request signed by an independent OAuth 1.0a implementation with a working token', async () => {
    const res = await post(tokenUrl(), signedRequest(tokenUrl(), credentials));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.token_type, 'bearer');
    assert.equal(res.body.expires_in, 86399);
    const token = res.body.access_token as string;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    assert.equal(claims.realm, REALM);
    assert.equal(claims.sub, credentials.userId);
    assert.equal(claims.client_id, appId);
    assert.deepEqual(claims.roles, ['OrgAdmin']);
    assert.ok(Math.abs(claims.exp - claims.iat - 86399) <= 1);
    const pipelines = await ctx.as(token)('POST', '/v2/pipelines', { body: { name: 'from-an-app', groupId: 'GROUP-12345678-1234-1234-1234-123456789abc' } });
    assert.equal(pipelines.status, 201, pipelines.text);
    const apps = await ctx.as(token)('GET', '/sluice/v1/apps');
    assert.equal(apps.status, 200, 'the app carries the roles it was given');
    // The key records its use; listings never show a secret.
    const keys = await ctx.api('GET', `/sluice/v1/apps/${appId}/keys`);
    assert.equal(keys.body[0].state, 'enabled');
    assert.ok(keys.body[0].lastUsed);
    assert.ok(!keys.text.includes(credentials.accessKeySecret));
    assert.ok(!ctx.server.output().includes(credentials.accessKeySecret), 'the secret is never logged');
    assert.match(ctx.server.output(), /oauth2\/token/, 'the request itself is logged');
    assert.ok(!ctx.server.output().includes(token), 'the token is never logged');
  });

  it('takes a JSON body too (not part of the signature) and a shorter lifetime', async () => {
    // A JSON body's fields are not signed (OAuth 1.0a signs form bodies only).
    const oauth = signer(credentials);
    const authorized = oauth.authorize({ url: tokenUrl(), method: 'POST' });
    const res = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { ...oauth.toHeader(authorized), 'content-type': 'application/json' },
      body: JSON.stringify({ grantType: 'client_credentials', expiresIn: 600 }),
    });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.expires_in, 600);
  });

  it('refuses a wrong signature, a stale timestamp and an unknown key with a 401 ErrorMessage', async () => {
    const wrong = await post(tokenUrl(), signedRequest(tokenUrl(), credentials, { secret: credentials.accessKeySecret.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }));
    expectError(wrong, 401, 'E1401');
    assert.match(wrong.body.message, /signature/);
    const stale = await post(tokenUrl(), signedRequest(tokenUrl(), credentials, { timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    expectError(stale, 401, 'E1401');
    assert.match(stale.body.message, /timestamp/);
    const future = await post(tokenUrl(), signedRequest(tokenUrl(), credentials, { timestamp: Math.floor(Date.now() / 1000) + 3600 }));
    expectError(future, 401, 'E1401');
    const unknown = await post(tokenUrl(), signedRequest(tokenUrl(), { ...credentials, accessKeyId: 'AAAAAAAAAAAAAAAAAAAA' }));
    expectError(unknown, 401, 'E1401');
    // Signed for another URL: the base string differs.
    const elsewhere = await post(tokenUrl(), signedRequest('http://elsewhere.example/oauth2/token', credentials));
    expectError(elsewhere, 401, 'E1401');
    const unsigned = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expectError({ status: unsigned.status, body: await unsigned.json() }, 401, 'E1401');
    const grant = signedRequest(tokenUrl(), credentials);
    const badGrant = await post(tokenUrl(), { ...grant, body: 'grant_type=password' });
    expectError(badGrant, 400, 'E1000');
    assert.equal(badGrant.body.errors[0].field, '/grant_type');
  });

  it('refuses a replayed nonce, also after a restart and on another replica', async () => {
    const signed = signedRequest(tokenUrl(), credentials);
    assert.equal((await post(tokenUrl(), signed)).status, 200);
    const replay = await post(tokenUrl(), signed);
    expectError(replay, 401, 'E1401');
    assert.match(replay.body.message, /nonce/);
    const later = signedRequest(tokenUrl(), credentials);
    if (ctx.kind === 'postgres') {
      // A second replica on the same database gets the copy of a request the first answered.
      const second = await startTestServer(ctx.store, { SLUICE_REPLICA_ID: 'replica-2' });
      try {
        const atSecond = (s: Signed) => post(`${second.url}/oauth2/token`, s);
        assert.equal((await post(tokenUrl(), later)).status, 200);
        // Signed for the second replica's URL (its port), then replayed to it.
        const forSecond = signedRequest(`${second.url}/oauth2/token`, credentials);
        assert.equal((await atSecond(forSecond)).status, 200);
        expectError(await atSecond(forSecond), 401, 'E1401');
        const crossReplay = signedRequest(`${second.url}/oauth2/token`, credentials, { nonce: 'shared-nonce-1' });
        assert.equal((await atSecond(crossReplay)).status, 200);
        // The first replica sees the nonce the second stored (same key, same nonce).
        const sameNonce = signedRequest(tokenUrl(), credentials, { nonce: 'shared-nonce-1' });
        expectError(await post(tokenUrl(), sameNonce), 401, 'E1401');
      } finally {
        await second.stop();
      }
    } else {
      assert.equal((await post(tokenUrl(), later)).status, 200);
      await ctx.restart();
      // The same request to the restarted service (its URL changed: sign for it, same nonce).
      const again = signedRequest(tokenUrl(), credentials, { nonce: parseNonce(later) });
      expectError(await post(tokenUrl(), again), 401, 'E1401');
    }
  });

  it('refuses a disabled key at the endpoint and its tokens at their next request', async () => {
    const token = (await post(tokenUrl(), signedRequest(tokenUrl(), credentials))).body.access_token as string;
    assert.equal((await ctx.as(token)('GET', '/v2/pipelines')).status, 200);
    const disabled = await ctx.api('POST', `/sluice/v1/apps/${appId}/keys/${credentials.accessKeyId}/disable`);
    assert.equal(disabled.status, 200, disabled.text);
    assert.equal(disabled.body.state, 'disabled');
    expectError(await ctx.as(token)('GET', '/v2/pipelines'), 401, 'E1401');
    const refused = await post(tokenUrl(), signedRequest(tokenUrl(), credentials));
    expectError(refused, 401, 'E1401');
    assert.match(refused.body.message, /disabled/);
    const enabled = await ctx.api('POST', `/sluice/v1/apps/${appId}/keys/${credentials.accessKeyId}/enable`);
    assert.equal(enabled.body.state, 'enabled');
    assert.equal((await ctx.as(token)('GET', '/v2/pipelines')).status, 200);
  });

  it('rotates a key: the new one works, the old one and its tokens do not', async () => {
    const oldToken = (await post(tokenUrl(), signedRequest(tokenUrl(), credentials))).body.access_token as string;
    const rotated = await ctx.api('POST', `/sluice/v1/apps/${appId}/keys/${credentials.accessKeyId}/rotate`);
    assert.equal(rotated.status, 201, rotated.text);
    const parsed = parseCredentials(rotated.body.credentials);
    assert.ok(parsed.ok);
    assert.notEqual(parsed.credentials.accessKeyId, credentials.accessKeyId);
    assert.notEqual(parsed.credentials.accessKeySecret, credentials.accessKeySecret);
    expectError(await ctx.as(oldToken)('GET', '/v2/pipelines'), 401, 'E1401');
    expectError(await post(tokenUrl(), signedRequest(tokenUrl(), credentials)), 401, 'E1401');
    const fresh = await post(tokenUrl(), signedRequest(tokenUrl(), parsed.credentials));
    assert.equal(fresh.status, 200, fresh.text);
    const keys = (await ctx.api('GET', `/sluice/v1/apps/${appId}/keys`)).body;
    assert.deepEqual(keys.map((k: { state: string }) => k.state), ['disabled', 'enabled']);
    // Two enabled keys at most.
    assert.equal((await ctx.api('POST', `/sluice/v1/apps/${appId}/keys`)).status, 201);
    expectError(await ctx.api('POST', `/sluice/v1/apps/${appId}/keys`), 409, 'E1409');
    credentials = parsed.credentials;
  });

  it('keeps apps to OrgAdmins of their realm and stores no secret', async () => {
    expectError(await ctx.user('POST', '/sluice/v1/apps', { body: { name: 'mine' } }), 403, 'E1403');
    expectError(await ctx.user('GET', '/sluice/v1/apps'), 403, 'E1403');
    expectError(await ctx.other('GET', `/sluice/v1/apps/${appId}`), 404, 'E1404');
    expectError(await ctx.other('POST', `/sluice/v1/apps/${appId}/keys`), 404, 'E1404');
    assert.deepEqual((await ctx.other('GET', '/sluice/v1/apps')).body, []);
    expectError(await ctx.api('POST', '/sluice/v1/apps', { body: { name: 'x' } }), 400, 'E1000');
    if (ctx.kind === 'postgres') {
      const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${ctx.store.env.SLUICE_DATABASE_SCHEMA}` });
      await client.connect();
      try {
        const rows = JSON.stringify((await client.query('select * from access_keys')).rows);
        assert.ok(!rows.includes(credentials.accessKeySecret));
        assert.ok(rows.includes(credentials.accessKeyId));
      } finally {
        await client.end();
      }
    }
  });

  it('deletes an app: its tokens are refused from the next request', async () => {
    const token = (await post(tokenUrl(), signedRequest(tokenUrl(), credentials))).body.access_token as string;
    assert.equal((await ctx.api('DELETE', `/sluice/v1/apps/${appId}`)).status, 204);
    expectError(await ctx.as(token)('GET', '/v2/pipelines'), 401, 'E1401');
  });

  it('answers the API Lookup service\'s routes with its own base URL', async () => {
    const platform = await fetch(`${ctx.server.url}/lookup/v1/platform/apis/pipeline/v2`);
    assert.equal(platform.status, 200);
    assert.deepEqual(await platform.json(), [{ api: 'pipelines', version: 'v2', baseURL: ctx.server.url, parameters: {} }]);
    assert.match(platform.headers.get('cache-control') ?? '', /max-age=\d+/);
    const hrn = encodeURIComponent('hrn:here:data:::texts');
    const resource = await fetch(`${ctx.server.url}/lookup/v1/resources/${hrn}/apis/pipelines/v2`);
    assert.deepEqual(await resource.json(), [{ api: 'pipelines', version: 'v2', baseURL: ctx.server.url, parameters: {} }]);
    const all = await fetch(`${ctx.server.url}/lookup/v1/resources/${hrn}/apis`);
    assert.equal((await all.json()).length, 1);
    const other = await fetch(`${ctx.server.url}/lookup/v1/platform/apis/config/v1`);
    expectError({ status: other.status, body: await other.json() }, 404, 'E1404');
    const bad = await fetch(`${ctx.server.url}/lookup/v1/resources/not-an-hrn/apis`);
    expectError({ status: bad.status, body: await bad.json() }, 400, 'E1000');
  });
});

function parseNonce(signed: Signed): string {
  return /oauth_nonce="([^"]*)"/.exec(signed.headers.Authorization)![1];
}
