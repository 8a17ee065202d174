import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { countOf, labelValues, scrape, valueOf } from '../helpers/metrics.js';
import { describeOnStores, GROUP } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'scrape-secret-0123456789';

describeOnStores('metrics', (ctx) => {
  it('counts HTTP requests by route template and status, never by path', async () => {
    const route = { method: 'GET', route: '/v2/pipelines/:pipelineId', status: '404' };
    const before = countOf(await scrape(ctx.as(null)), 'sluice_http_request_duration_seconds', route);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) assert.equal((await ctx.api('GET', `/v2/pipelines/${id}`)).status, 404);
    await ctx.api('GET', `/no/such/${ids[0]}`);
    const after = await scrape(ctx.as(null));
    assert.equal(countOf(after, 'sluice_http_request_duration_seconds', route), before + 3);
    assert.ok(countOf(after, 'sluice_http_request_duration_seconds', { route: 'unmatched', status: '404' }) >= 1);
    const text = (await ctx.as(null)('GET', '/metrics')).text;
    for (const id of ids) assert.ok(!text.includes(id), 'an id became a label value');
  });

  it('shows read-cache hits and misses, store statements by kind and table, versions by state, process metrics', async () => {
    const pipeline = await ctx.api('POST', '/v2/pipelines', { body: { name: 'metered', groupId: GROUP } });
    const before = await scrape(ctx.as(null));
    for (let i = 0; i < 3; i++) assert.equal((await ctx.api('GET', `/v2/pipelines/${pipeline.body.id}`)).status, 200);
    const after = await scrape(ctx.as(null));
    const reads = (result: string) => valueOf(after, 'sluice_read_cache_requests_total', { kind: 'pipelines', result })
      - valueOf(before, 'sluice_read_cache_requests_total', { kind: 'pipelines', result });
    assert.equal(reads('miss') + reads('hit'), 3);
    assert.ok(reads('hit') >= 2, `hits ${reads('hit')}`);
    assert.ok(countOf(after, 'sluice_store_query_duration_seconds', { statement: 'insert', table: 'pipelines', outcome: 'ok' }) >= 1);
    const tables = labelValues(after, 'sluice_store_query_duration_seconds', 'table');
    for (const table of tables) assert.match(table, /^[a-z_]+$/);
    assert.ok(after.has('sluice_pipeline_versions'));
    assert.ok(after.has('sluice_live_jobs'));
    assert.ok(countOf(after, 'sluice_engine_pass_duration_seconds') > 0, 'the engine reports its passes');
    assert.ok(after.has('process_cpu_user_seconds_total'));
    assert.ok(after.has('nodejs_eventloop_lag_seconds'));
  });
});

describeOnStores('metrics behind a token', (ctx) => {
  it('wants SLUICE_METRICS_TOKEN as a bearer token, and nothing else', async () => {
    const none = await ctx.as(null)('GET', '/metrics');
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 'E1401');
    assert.equal((await ctx.api('GET', '/metrics')).status, 401, 'a JWT is not the scrape token');
    assert.equal((await ctx.as('scrape-secret-012345678X')('GET', '/metrics')).status, 401);
    const ok = await ctx.as(TOKEN)('GET', '/metrics');
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
  });
}, { env: { SLUICE_METRICS_TOKEN: TOKEN } });

describeOnStores('metrics off', (ctx) => {
  it('has no /metrics with SLUICE_METRICS=off', async () => {
    assert.equal((await ctx.as(null)('GET', '/metrics')).status, 404);
    await waitFor(async () => (await ctx.as(null)('GET', '/health/ready')).status === 200, { what: 'ready without metrics' });
  });
}, { env: { SLUICE_METRICS: 'off' } });
