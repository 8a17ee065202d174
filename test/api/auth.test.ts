import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { assertErrorMessage } from '../helpers/errors.js';
import {
  CLI, client, createStore, startTestServer, STORES, TEST_SECRET,
  type ApiResponse, type Store, type TestServer,
} from '../helpers/server.js';
import { describeOnStores, GROUP, REALM } from '../helpers/suite.js';

const run = promisify(execFile);
const HS_SECRET = new TextEncoder().encode(TEST_SECRET);
const claims = (extra: JWTPayload = {}): JWTPayload => ({ sub: 'user-1', realm: REALM, ...extra });
const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;

type SigningKey = Parameters<SignJWT['sign']>[0];

/** A signed token; `exp: undefined` in `payload` leaves the claim out. */
function sign(key: SigningKey, alg: string, payload: JWTPayload = claims(), kid?: string): Promise<string> {
  const withExp = 'exp' in payload ? payload : { ...payload, exp: inOneHour() };
  const clean = Object.fromEntries(Object.entries(withExp).filter(([, v]) => v !== undefined));
  return new SignJWT(clean).setProtectedHeader(kid ? { alg, kid } : { alg }).setIssuedAt().sign(key);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** GET /v2/pipelines with exactly this Authorization header (or none). */
async function withAuthorization(baseUrl: string, authorization: string | undefined, requestId?: string): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (requestId) headers['x-request-id'] = requestId;
  return client(baseUrl)('GET', '/v2/pipelines', { headers, token: null });
}

function assertUnauthorized(res: ApiResponse): void {
  assertErrorMessage(res, 401);
  assert.equal(res.body.code, 'E1401');
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/);
}

describeOnStores('auth with an HS256 secret', (ctx) => {
  const sent: string[] = [];
  const probeIds: string[] = [];

  /** Sends and remembers the token, so the log check below covers every one of them. */
  async function attempt(authorization: string | undefined): Promise<ApiResponse> {
    if (authorization) sent.push(authorization.replace(/^\S+\s+/, ''));
    const requestId = `auth-probe-${probeIds.length}`;
    probeIds.push(requestId);
    return withAuthorization(ctx.server.url, authorization, requestId);
  }

  it('accepts a valid token, with the scheme in any case', async () => {
    const token = await sign(HS_SECRET, 'HS256');
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await attempt(`${scheme} ${token}`);
      assert.equal(res.status, 200, res.text);
    }
  });

  const cases: Array<[string, () => Promise<string | undefined>]> = [
    ['no Authorization header', async () => undefined],
    ['Basic credentials', async () => `Basic ${Buffer.from('local-user:password').toString('base64')}`],
    ['Bearer with no token', async () => 'Bearer '],
    ['a garbage token', async () => 'Bearer not-a-jwt-at-all'],
    ['three garbage segments', async () => 'Bearer aaaa.bbbb.cccc'],
    ['a token signed with another secret', async () => `Bearer ${await sign(new TextEncoder().encode('another-secret-of-enough-length-000'), 'HS256')}`],
    ['an expired token', async () => `Bearer ${await sign(HS_SECRET, 'HS256', claims({ exp: Math.floor(Date.now() / 1000) - 120 }))}`],
    ['a token not valid yet', async () => `Bearer ${await sign(HS_SECRET, 'HS256', claims({ nbf: inOneHour() }))}`],
    ['a token without realm', async () => `Bearer ${await sign(HS_SECRET, 'HS256', claims({ realm: undefined }))}`],
    ['a token with an empty realm', async () => `Bearer ${await sign(HS_SECRET, 'HS256', claims({ realm: '' }))}`],
    ['a token without sub', async () => `Bearer ${await sign(HS_SECRET, 'HS256', claims({ sub: undefined }))}`],
    ['a token without exp', async () => `Bearer ${await sign(HS_SECRET, 'HS256', claims({ exp: undefined }))}`],
    ['a token whose roles are not strings', async () => `Bearer ${await sign(HS_SECRET, 'HS256', claims({ roles: 'OrgAdmin' }))}`],
    ['alg none', async () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(), exp: inOneHour() })}.`],
    ['an RS256 token when the server is HS256', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      return `Bearer ${await sign(privateKey, 'RS256')}`;
    }],
    ['a token with a tampered payload', async () => {
      const [header, , signature] = (await sign(HS_SECRET, 'HS256')).split('.');
      return `Bearer ${header}.${b64({ ...claims({ realm: 'realm-b' }), exp: inOneHour() })}.${signature}`;
    }],
  ];
  for (const [name, authorization] of cases) {
    it(`answers ${name} with a 401 ErrorMessage`, async () => {
      assertUnauthorized(await attempt(await authorization()));
    });
  }

  it('never writes a token or the secret to its output', async () => {
    const output = ctx.server.output();
    // The requests were logged (so the output is the right place to look)…
    for (const id of probeIds) assert.ok(output.includes(id), `request ${id} was not logged`);
    // …without any of the credentials they carried.
    assert.ok(sent.length >= cases.length, 'tokens were sent');
    for (const token of sent.filter((t) => t.length >= 16)) assert.ok(!output.includes(token), `a token was logged: ${token.slice(0, 20)}…`);
    assert.ok(!output.includes(TEST_SECRET), 'the secret was logged');
  });
}, { env: { SLUICE_LOG_LEVEL: 'trace' } });

/** A JWKS endpoint, as an identity provider would serve it. */
async function startJwksServer(body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

for (const kind of STORES) {
  describe(`auth with a JWKS URL [${kind}]`, () => {
    let store: Store;
    let server: TestServer;
    let jwks: Awaited<ReturnType<typeof startJwksServer>>;
    let rsa: CryptoKeyPair;
    let ec: CryptoKeyPair;

    before(async () => {
      rsa = await generateKeyPair('RS256');
      ec = await generateKeyPair('ES256');
      const keys = [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
      ];
      jwks = await startJwksServer({ keys });
      store = await createStore(kind, 'auth-jwks');
      server = await startTestServer(store, { SLUICE_JWT_SECRET: undefined, SLUICE_JWKS_URL: jwks.url });
    });
    after(async () => {
      await server?.stop();
      await jwks?.close();
      await store?.dispose();
    });

    it('accepts RS256 and ES256 tokens signed by keys of the set', async () => {
      for (const [key, alg, kid] of [[rsa.privateKey, 'RS256', 'rsa-1'], [ec.privateKey, 'ES256', 'ec-1']] as const) {
        const api = client(server.url, await sign(key, alg, claims(), kid));
        assert.equal((await api('GET', '/v2/pipelines')).status, 200, alg);
        const made = await api('POST', '/v2/pipelines', { body: { name: `via-${alg.toLowerCase()}`, groupId: GROUP } });
        assert.equal(made.status, 201, made.text);
        assert.equal(made.body.realm, REALM);
      }
    });

    it('refuses a token from a key outside the set, or from another key under a known kid', async () => {
      const stranger = await generateKeyPair('RS256');
      assertUnauthorized(await withAuthorization(server.url, `Bearer ${await sign(stranger.privateKey, 'RS256', claims(), 'rsa-unknown')}`));
      assertUnauthorized(await withAuthorization(server.url, `Bearer ${await sign(stranger.privateKey, 'RS256', claims(), 'rsa-1')}`));
      const otherEc = await generateKeyPair('ES256');
      assertUnauthorized(await withAuthorization(server.url, `Bearer ${await sign(otherEc.privateKey, 'ES256', claims(), 'ec-1')}`));
    });

    it('refuses HS256 tokens, and keys of the set with bad claims', async () => {
      assertUnauthorized(await withAuthorization(server.url, `Bearer ${await sign(HS_SECRET, 'HS256')}`));
      assertUnauthorized(await withAuthorization(server.url, `Bearer ${await sign(rsa.privateKey, 'RS256', claims({ realm: undefined }), 'rsa-1')}`));
      assertUnauthorized(await withAuthorization(server.url, `Bearer ${await sign(rsa.privateKey, 'RS256', claims({ exp: undefined }), 'rsa-1')}`));
      assertUnauthorized(await withAuthorization(server.url,
        `Bearer ${await sign(ec.privateKey, 'ES256', claims({ exp: Math.floor(Date.now() / 1000) - 120 }), 'ec-1')}`));
    });
  });
}

describe('auth with a JWKS URL that cannot be fetched [pglite]', () => {
  let store: Store;
  const rsaToken = async () => sign((await generateKeyPair('RS256')).privateKey, 'RS256', claims(), 'rsa-1');
  before(async () => { store = await createStore('pglite', 'auth-jwks-down'); });
  after(async () => store?.dispose());

  it('answers 503 (not 401) while the key set is unreachable or not a key set', async () => {
    // A port nothing listens on: a server started and closed again.
    const gone = await startJwksServer({ keys: [] });
    await gone.close();
    const broken = http.createServer((_req, res) => res.writeHead(500).end('down for maintenance'));
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/.well-known/jwks.json`;
    try {
      for (const url of [gone.url, brokenUrl]) {
        const server = await startTestServer(store, { SLUICE_JWT_SECRET: undefined, SLUICE_JWKS_URL: url });
        try {
          const token = await rsaToken();
          const res = await withAuthorization(server.url, `Bearer ${token}`);
          assert.equal(res.status, 503, `${url}: ${res.text}`);
          assert.equal(res.body.code, 'E1503');
          assert.match(res.body.message, /key set \(SLUICE_JWKS_URL\) could not be fetched/);
          assert.ok(!res.text.includes(token), 'the token is not echoed');
          assert.ok(!server.output().includes(token), 'the token is not logged');
          // Garbage is still the caller's fault.
          assertUnauthorized(await withAuthorization(server.url, 'Bearer not.a.token'));
        } finally {
          await server.stop();
        }
      }
    } finally {
      broken.closeAllConnections();
      await new Promise((resolve) => broken.close(resolve));
    }
  });
});

describe('auth with the embedded default secret [pglite]', () => {
  let store: Store;
  let server: TestServer;
  const secretFile = () => path.join(store.env.SLUICE_DATA_DIR, 'jwt-secret');
  const cliToken = async () => {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'token', '--realm', REALM], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SLUICE_DATA_DIR: store.env.SLUICE_DATA_DIR },
    });
    assert.equal(stderr, '');
    assert.match(stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/, 'one token and nothing else');
    return stdout.trim();
  };

  before(async () => {
    store = await createStore('pglite', 'auth-embedded');
    server = await startTestServer(store, { SLUICE_JWT_SECRET: undefined });
  });
  after(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it('generates its secret into the data folder, readable by its owner only', async () => {
    const stat = await fs.stat(secretFile());
    assert.equal(stat.mode & 0o777, 0o600);
    assert.ok((await fs.readFile(secretFile(), 'utf8')).trim().length >= 32);
  });

  it('accepts what `sluice token` prints, and nothing signed with another secret', async () => {
    const token = await cliToken();
    const api = client(server.url, token);
    assert.equal((await api('GET', '/v2/pipelines')).status, 200);
    const made = await api('POST', '/v2/pipelines', { body: { name: 'from-cli-token', groupId: GROUP } });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.realm, REALM);
    assertUnauthorized(await withAuthorization(server.url, `Bearer ${await sign(HS_SECRET, 'HS256')}`));
  });

  it('prints one start line with where it listens, the store, the data folder and the token command to paste', async () => {
    const line = server.output().split('\n').find((l) => l.startsWith('Sluice '));
    assert.ok(line, server.output());
    assert.match(line, new RegExp(`listening on ${server.url} · store: PGlite \\(embedded\\) in ${store.env.SLUICE_DATA_DIR}/pglite · data folder: ${store.env.SLUICE_DATA_DIR} · `));
    const command = /export SLUICE_TOKEN=\$\((.*)\)$/.exec(line);
    assert.ok(command, line);
    // Pasted into another terminal without this server's environment (`npx sluice` is this CLI):
    assert.match(command[1], / npx sluice token$/);
    const pasted = command[1].replace(/ npx sluice token$/, ` ${process.execPath} ${CLI} token`);
    const { stdout, stderr } = await run('sh', ['-c', `${pasted} --realm ${REALM}`], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, cwd: os.tmpdir(),
    });
    assert.equal(stderr, '');
    assert.equal((await client(server.url, stdout.trim())('GET', '/v2/pipelines')).status, 200);
  });

  it('says so when `sluice token` makes a secret of its own, and the 401 names the mismatch', async () => {
    const elsewhere = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-other-data-'));
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, 'token', '--realm', REALM], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SLUICE_DATA_DIR: elsewhere },
      });
      assert.match(stderr, /there was no secret in .*, so a new one was made/);
      assert.match(stderr, /SLUICE_DATA_DIR/);
      const res = await client(server.url, stdout.trim())('GET', '/v2/pipelines');
      assertUnauthorized(res);
      assert.match(res.body.message, /signature does not match this server's secret/);
      assert.match(res.body.message, /token command this server printed at start/);
      assert.ok(!res.body.message.includes((await fs.readFile(secretFile(), 'utf8')).trim()));
    } finally {
      await fs.rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('keeps the secret across a restart, and never logs it or the token', async () => {
    const secret = (await fs.readFile(secretFile(), 'utf8')).trim();
    const token = await cliToken();
    await server.stop();
    server = await startTestServer(store, { SLUICE_JWT_SECRET: undefined });
    assert.equal((await fs.readFile(secretFile(), 'utf8')).trim(), secret);
    assert.equal((await client(server.url, token)('GET', '/v2/pipelines', { headers: { 'x-request-id': 'embedded-probe' } })).status, 200);
    const output = server.output();
    assert.ok(output.includes('embedded-probe'), 'the request was logged');
    assert.ok(!output.includes(secret), 'the secret was logged');
    assert.ok(!output.includes(token), 'the token was logged');
  });

  it('refuses to start on PostgreSQL without a configured secret (replicas must share it)', async () => {
    const postgres = await createStore('postgres', 'auth-no-secret');
    try {
      await assert.rejects(startTestServer(postgres, { SLUICE_JWT_SECRET: undefined }), /SLUICE_JWT_SECRET or SLUICE_JWKS_URL/);
    } finally {
      await postgres.dispose();
    }
  });
});
