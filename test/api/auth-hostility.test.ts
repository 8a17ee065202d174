import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { assertErrorMessage } from '../helpers/errors.js';
import { createTemplate, uploadPackage } from '../helpers/fixtures.js';
import { client, createStore, startTestServer, TEST_SECRET, type Store, type TestServer } from '../helpers/server.js';
import { describeOnStores, GROUP, REALM } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const claims = (extra: JWTPayload = {}): JWTPayload => ({ sub: 'user-1', realm: REALM, exp: nowSeconds() + 3600, ...extra });

function sign(key: Parameters<SignJWT['sign']>[0], alg: string, payload: JWTPayload = claims(), kid?: string): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(kid ? { alg, kid } : { alg }).sign(key);
}

const pipelines = (url: string, token: string) => client(url, token)('GET', '/v2/pipelines');

describeOnStores('tokens at the edge of their validity', (ctx) => {
  const secret = new TextEncoder().encode(TEST_SECRET);

  it('refuses a token expired by one second', async () => {
    const res = await pipelines(ctx.server.url, await sign(secret, 'HS256', claims({ exp: nowSeconds() - 1 })));
    assertErrorMessage(res, 401);
    assert.match(res.body.message, /expired/);
  });

  it('stops accepting a token (verified and cached before) one second after it expires', async () => {
    const exp = nowSeconds() + 2;
    const token = await sign(secret, 'HS256', claims({ exp }));
    assert.equal((await pipelines(ctx.server.url, token)).status, 200);
    await waitFor(async () => nowSeconds() > exp, { timeoutMs: 5000, intervalMs: 100, what: 'the token to expire' });
    assertErrorMessage(await pipelines(ctx.server.url, token), 401);
  });

  it('refuses a token whose nbf is one minute ahead', async () => {
    assertErrorMessage(await pipelines(ctx.server.url, await sign(secret, 'HS256', claims({ nbf: nowSeconds() + 60 }))), 401);
  });
});

/** A JWKS endpoint whose keys the test can change, as an identity provider rotating its keys. */
async function startJwksServer() {
  let keys: JWK[] = [];
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    setKeys(next: JWK[]) { keys = next; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('keys from a JWKS URL: confusion and rotation [pglite]', () => {
  let store: Store;
  let server: TestServer;
  let jwks: Awaited<ReturnType<typeof startJwksServer>>;
  let first: CryptoKeyPair;

  before(async () => {
    first = await generateKeyPair('RS256', { extractable: true });
    jwks = await startJwksServer();
    jwks.setKeys([{ ...(await exportJWK(first.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' }]);
    store = await createStore('pglite', 'auth-jwks-rotation');
    server = await startTestServer(store, { SLUICE_JWT_SECRET: undefined, SLUICE_JWKS_URL: jwks.url });
  });
  after(async () => {
    await server?.stop();
    await jwks?.close();
    await store?.dispose();
  });

  it('refuses HS256 signed with the RSA public key as the secret (algorithm confusion)', async () => {
    assert.equal((await pipelines(server.url, await sign(first.privateKey, 'RS256', claims(), 'key-1'))).status, 200);
    const pem = new TextEncoder().encode(await exportSPKI(first.publicKey));
    const jwk = new TextEncoder().encode(JSON.stringify(await exportJWK(first.publicKey)));
    for (const hmacKey of [pem, jwk]) {
      assertErrorMessage(await pipelines(server.url, await sign(hmacKey, 'HS256', claims(), 'key-1')), 401);
    }
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'key-1' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    assertErrorMessage(await pipelines(server.url, none), 401);
  });

  it('refuses tokens of a key rotated out of the set, once the set is read again, and accepts the new key', async () => {
    const second = await generateKeyPair('RS256');
    jwks.setKeys([{ ...(await exportJWK(second.publicKey)), kid: 'key-2', alg: 'RS256', use: 'sig' }]);
    // A token of an unknown kid makes the service read the set again (after jose's cooldown).
    await waitFor(async () => (await pipelines(server.url, await sign(second.privateKey, 'RS256', claims(), 'key-2'))).status === 200,
      { timeoutMs: 60_000, intervalMs: 1000, what: 'the new key to be accepted' });
    const res = await pipelines(server.url, await sign(first.privateKey, 'RS256', claims({ jti: 'fresh' }), 'key-1'));
    assertErrorMessage(res, 401);
  });
});

describeOnStores("another realm's ids on every route", (ctx) => {
  const ids: Record<string, string> = {};
  let routes: Array<{ method: string; path: string }>;

  before(async () => {
    const doc = (await ctx.api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    ids.packageId = await uploadPackage(ctx.api);
    ids.templateId = (await createTemplate(ctx.api, ids.packageId)).id;
    ids.pipelineId = (await ctx.api('POST', '/v2/pipelines', { body: { name: 'realm-a-secret-name', groupId: GROUP } })).body.id;
    const version = await ctx.api('POST', `/v2/pipelines/${ids.pipelineId}/versions`, { body: {
      name: 'realm-a-version', pipelineTemplateId: ids.templateId, inputCatalogs: { in: 'hrn:here:data:::iso-in' }, outputCatalogHRN: 'hrn:here:data:::iso-out',
      schedulerConfiguration: { timeTriggerOptions: { cronJobExpression: '0 0 1 1 *', processingType: 'changes' } },
    } });
    ids.versionId = version.body.id;
    ids.operationId = (await ctx.api('POST', `/v2/pipelines/${ids.pipelineId}/versions/${ids.versionId}/operations/activate`, { body: {} })).body.id;
    const app = await ctx.api('POST', '/sluice/v1/apps', { body: { name: 'realm-a-app' } });
    ids.appId = app.body.id;
    ids.keyId = (await ctx.api('GET', `/sluice/v1/apps/${ids.appId}/keys`)).body[0]?.id;
    const rule = await ctx.api('POST', '/v2/egressRules', { body: { rules: [{ destination: 'realm-a.example.com', port: 443 }] } });
    ids.ruleId = (Array.isArray(rule.body) ? rule.body[0] : rule.body?.rules?.[0] ?? rule.body)?.id;
    const hook = await ctx.api('POST', '/sluice/v1/webhooks', { body: { url: 'http://127.0.0.1:9/hook', types: ['*'] } });
    ids.webhookId = hook.body?.id;
    // Routes whose every parameter is an id of something realm-a holds.
    routes = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: p })))
      .filter((r) => {
        const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        return names.length > 0 && names.every((name) => ids[name]);
      });
  });

  it("answers 404 (never 403, never data) to another realm's OrgAdmin on every route taking realm-a's ids", { timeout: 5 * 60_000 }, async () => {
    assert.ok(routes.length >= 20, `routes with ids: ${routes.length}`);
    const names = async () => JSON.stringify(((await ctx.api('GET', `/v2/pipelines/${ids.pipelineId}/versions`)).body as Array<{ id: string; name: string }>).map((v) => [v.id, v.name]));
    const before = await names();
    for (const route of routes) {
      const url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]);
      const res = await ctx.other(route.method, url, route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} });
      // A body the route's schema refuses is refused before anything is looked up (E1000, the
      // same for every id): it says nothing about realm-a. Anything else must be 404.
      if (res.status === 400 && res.body.code === 'E1000') assertErrorMessage(res, 400);
      else assertErrorMessage(res, 404);
      assert.ok(!/realm-a-(secret-name|version|app)|realm-a\.example/.test(res.text), `${route.method} ${route.path}: ${res.text}`);
    }
    assert.equal((await ctx.api('GET', `/v2/pipelines/${ids.pipelineId}`)).status, 200, 'still there for its own realm');
    assert.equal(await names(), before, 'and unchanged');
  });
}, { env: { SLUICE_CLOCK: 'manual' } });
