import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeOnStores } from '../helpers/suite.js';
import { client, createStore, POSTGRES_URL, startTestServer, type Store, type TestServer } from '../helpers/server.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait.js';

describeOnStores('health', (ctx) => {
  it('is live, and ready once the database answers, migrations are applied and the engine has passed', async () => {
    const open = ctx.as(null);
    assert.deepEqual((await open('GET', '/health/live')).body, { status: 'ok' });
    assert.deepEqual((await open('GET', '/health')).body, { status: 'ok' });
    const ready = await waitFor(async () => {
      const res = await open('GET', '/health/ready');
      return res.status === 200 ? res.body : undefined;
    }, { what: 'ready' });
    assert.equal(ready.status, 'ready');
    assert.deepEqual(ready.checks.map((c: { name: string }) => c.name), ['database', 'migrations', 'engine']);
    for (const check of ready.checks) {
      assert.equal(check.status, 'pass');
      assert.equal(typeof check.latencyMs, 'number');
    }
    assert.equal(ready.info.store, ctx.kind);
  });
});

describe('readiness when PostgreSQL goes away [postgres]', () => {
  let store: Store;
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

  before(async () => {
    const target = new URL(POSTGRES_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    store = await createStore('postgres', 'health-proxy');
    target.host = `127.0.0.1:${proxy.port}`;
    // The read cache's LISTEN session would reconnect on its own; off, so only readiness is watched.
    server = await startTestServer(store, { DATABASE_URL: target.toString(), SLUICE_READ_CACHE: '0' });
  });
  after(async () => {
    await server?.stop();
    await proxy?.down();
    await store?.dispose();
  });

  it('answers 503 naming the database while it cannot be reached, and 200 again when it can', async () => {
    const open = client(server.url);
    await waitFor(async () => (await open('GET', '/health/ready')).status === 200, { what: 'ready' });
    await proxy.down();
    const down = await waitFor(async () => {
      const res = await open('GET', '/health/ready');
      return res.status === 503 ? res.body : undefined;
    }, { what: 'not ready' });
    assert.equal(down.status, 'not ready');
    const database = down.checks.find((c: { name: string }) => c.name === 'database');
    assert.equal(database.status, 'fail');
    assert.ok(database.message, 'the failure says why');
    assert.equal((await open('GET', '/health/live')).status, 200, 'still live');
    await proxy.up();
    await waitFor(async () => (await open('GET', '/health/ready')).status === 200, { timeoutMs: 30_000, what: 'ready again' });
  });
});
