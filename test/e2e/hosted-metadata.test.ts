import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HostedMetadataSource } from '../../src/catalogs/hosted-metadata.js';
import { deploy, waitForJob, waitForOperation } from '../helpers/lifecycle.js';
import { client, createStore, startTestServer, tokenFor, type Store, type TestServer, jobDataDir } from '../helpers/server.js';
import { REALM } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A stand-in for the hosted Data API's metadata service on localhost, answering in its documented
 * shape: GET /metadata/v1/catalogs/{hrn}/versions/latest?startVersion=-1 → {"version": N}, 404 for a
 * catalog without versions. It records what it was asked, with which token.
 */
function metadataServer(latest: Map<string, number>) {
  const seen: { url: string; authorization?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const match = /^\/metadata\/v1\/catalogs\/([^/]+)\/versions\/latest\?startVersion=-1$/.exec(req.url ?? '');
    const hrn = match ? decodeURIComponent(match[1]) : undefined;
    if (hrn === 'hrn:here:data:::broken') { res.writeHead(503).end(); return; }
    if (!hrn || !latest.has(hrn)) { res.writeHead(404, { 'content-type': 'application/json' }).end('{"title":"Not found"}'); return; }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: latest.get(hrn) }));
  });
  return { server, seen };
}

describe('hosted metadata service as the catalog source', () => {
  const latest = new Map([['hrn:here:data:::hosted-in', 41]]);
  const { server, seen } = metadataServer(latest);
  let base: string;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata/v1/catalogs/{catalogHrn}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads latest versions in the documented shape, -1 for a catalog without versions', async () => {
    const source = new HostedMetadataSource({ urlTemplate: base, token: 'data-api-token', timeoutMs: 5000 });
    const versions = await source.latestVersions(REALM, ['hrn:here:data:::hosted-in', 'hrn:here:data:::empty']);
    assert.deepEqual([...versions], [['hrn:here:data:::hosted-in', 41], ['hrn:here:data:::empty', -1]]);
    assert.equal(seen.at(-1)?.authorization, 'Bearer data-api-token');
    await assert.rejects(source.latestVersions(REALM, ['hrn:here:data:::broken']), /503/);
  });

  let store: Store | undefined;
  let sluice: TestServer | undefined;
  after(async () => {
    await sluice?.stop();
    await store?.dispose();
  });

  it('triggers a version_resolver version from what the service reports, by polling', async () => {
    const work = await jobDataDir('sluice-hosted-');
    await fs.writeFile(path.join(work, 'in.txt'), 'hosted words\n');
    store = await createStore('pglite', 'hosted-metadata');
    sluice = await startTestServer(store, {
      SLUICE_CATALOG_SOURCE: 'hosted',
      SLUICE_METADATA_URL: base,
      SLUICE_METADATA_TOKEN: 'data-api-token',
      SLUICE_CATALOG_POLL_MS: '300',
    });
    const api = client(sluice.url, await tokenFor({ realm: REALM, roles: ['OrgAdmin'] }));
    const d = await deploy(api, {
      example: 'batch-word-count',
      inputCatalogs: { text: 'hrn:here:data:::hosted-in' },
      schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' },
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'in.txt')}\nwordcount.output=${path.join(work, 'out.txt')}`,
    });
    const activate = await api('POST', `${d.base}/operations/activate`);
    assert.equal((await waitForOperation(api, d.base, activate.body.id)).state, 'succeeded');
    const first = await waitForJob(api, d.base, ['completed', 'failed']);
    assert.equal(first.state, 'completed');
    assert.deepEqual(first.catalogVersions.inputCatalogs.text, { processingType: 'reprocess', version: 41 });
    // The output catalog has no versions on the service: base version -1.
    assert.deepEqual(first.catalogVersions.outputCatalog, { baseVersion: -1 });
    latest.set('hrn:here:data:::hosted-in', 44);
    const second = await waitFor(async () => {
      const jobs = (await api('GET', `${d.base}/jobs`)).body;
      return jobs.length === 2 && jobs[0].state === 'completed' ? jobs[0] : undefined;
    }, { timeoutMs: 20_000, what: 'the polled change to run' });
    assert.deepEqual(second.catalogVersions.inputCatalogs.text, { processingType: 'changes', sinceVersion: 41, version: 44 });
    // Publishing through Sluice is refused: versions come from the hosted service here.
    const refused = await api('POST', `/sluice/v1/catalogs/${encodeURIComponent('hrn:here:data:::hosted-in')}/versions`);
    assert.equal(refused.status, 409);
  });
});
