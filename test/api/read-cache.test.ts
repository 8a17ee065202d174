import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import pg from 'pg';
import { deploy, runOperation, type Deployed } from '../helpers/lifecycle.js';
import { client, POSTGRES_URL, startTestServer, type Request } from '../helpers/server.js';
import { describeOnStores, GROUP, REALM } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

/**
 * GET version, GET pipeline and GET template answer from a read cache (src/store/cached-reads.ts).
 * Every test first reads the resource (so it is cached), then changes it some way, then reads
 * again: a cache that missed the change would answer the old row.
 */
describeOnStores('read cache', (ctx) => {
  let d: Deployed;
  const get = async (api: Request, path: string) => {
    const res = await api('GET', path);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    return res.body;
  };
  const newVersion = async (name: string, extra: Record<string, unknown> = {}) => {
    const current = await get(ctx.api, d.base);
    const res = await ctx.api('POST', `/v2/pipelines/${d.pipelineId}/versions`, {
      body: { name, pipelineTemplateId: d.templateId, inputCatalogs: current.inputCatalogs, outputCatalogHRN: current.outputCatalogHRN, ...extra },
    });
    assert.equal(res.status, 201, res.text);
    return `/v2/pipelines/${d.pipelineId}/versions/${res.body.id}`;
  };
  const operate = async (base: string, type: string) => {
    assert.equal((await runOperation(ctx.api, base, type)).state, 'succeeded');
  };

  before(async () => {
    d = await deploy(ctx.api, { example: 'batch-word-count', name: 'cached' });
  });

  it('answers a GET right after a PUT with the new data', async () => {
    const base = await newVersion('put-then-get');
    for (let i = 0; i < 10; i++) {
      await get(ctx.api, base);
      const cron = { timeTriggerOptions: { cronJobExpression: `${i} 3 * * *`, processingType: 'changes' } };
      assert.equal((await ctx.api('PUT', `${base}/scheduler-configuration`, { body: cron })).status, 200);
      assert.deepEqual((await get(ctx.api, base)).schedulerConfiguration, cron, `round ${i}`);

      const pipeline = `/v2/pipelines/${d.pipelineId}`;
      await get(ctx.api, pipeline);
      const put = await ctx.api('PUT', pipeline, { body: { name: `renamed-${i}`, groupId: GROUP } });
      assert.equal(put.status, 200, put.text);
      assert.equal((await get(ctx.api, pipeline)).name, `renamed-${i}`, `round ${i}`);
    }
  });

  it('answers a GET right after an operation with the state the engine wrote', async () => {
    // Scheduled on new catalog versions, of which there are none: activation runs no job.
    const base = await newVersion('engine-writes', { schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' } });
    assert.equal((await get(ctx.api, base)).state, 'ready');
    // The engine (not the route) changes the version; the operation succeeds in the same transaction.
    await operate(base, 'activate');
    assert.equal((await get(ctx.api, base)).state, 'scheduled');
    await operate(base, 'pause');
    assert.equal((await get(ctx.api, base)).state, 'paused');
    await operate(base, 'deactivate');
    assert.equal((await get(ctx.api, base)).state, 'ready');
  });

  it('answers 404 right after a delete: version, pipeline with its versions, template', async () => {
    const other = await deploy(ctx.api, { example: 'batch-word-count', name: 'to-delete' });
    await get(ctx.api, other.base);
    assert.equal((await ctx.api('DELETE', other.base)).status, 204);
    assert.equal((await ctx.api('GET', other.base)).status, 404);

    const second = await ctx.api('POST', `/v2/pipelines/${other.pipelineId}/versions`, {
      body: { name: 'second', pipelineTemplateId: other.templateId, inputCatalogs: { text: 'hrn:here:data:::text-catalog' }, outputCatalogHRN: 'hrn:here:data:::out' },
    });
    const secondPath = `/v2/pipelines/${other.pipelineId}/versions/${second.body.id}`;
    await get(ctx.api, secondPath);
    await get(ctx.api, `/v2/pipelines/${other.pipelineId}`);
    assert.equal((await ctx.api('DELETE', `/v2/pipelines/${other.pipelineId}`)).status, 204);
    assert.equal((await ctx.api('GET', `/v2/pipelines/${other.pipelineId}`)).status, 404);
    assert.equal((await ctx.api('GET', secondPath)).status, 404);

    await get(ctx.api, `/v2/templates/${other.templateId}`);
    assert.equal((await ctx.api('DELETE', `/v2/templates/${other.templateId}`)).status, 204);
    assert.equal((await ctx.api('GET', `/v2/templates/${other.templateId}`)).status, 404);
  });

  it('keeps other realms, other projects and other pipelines out with a warm cache', async () => {
    const base = await newVersion('isolated');
    const scoped = ctx.as(await ctx.tokenFor({ realm: REALM, scope: 'hrn:here:authorization::realm-a:project/p1' }));
    const otherPipeline = (await ctx.api('POST', '/v2/pipelines', { body: { name: 'another', groupId: GROUP } })).body.id;
    const versionId = base.split('/').pop()!;
    // Both orders: the owner fills the cache first, or a caller who must get 404 does.
    for (let round = 0; round < 2; round++) {
      if (round === 0) await get(ctx.api, base);
      for (const [who, api] of [['other realm', ctx.other], ['project-scoped', scoped]] as const) {
        assert.equal((await api('GET', base)).status, 404, `${who}: version`);
        assert.equal((await api('GET', `/v2/pipelines/${d.pipelineId}`)).status, 404, `${who}: pipeline`);
        assert.equal((await api('GET', `/v2/templates/${d.templateId}`)).status, 404, `${who}: template`);
      }
      const wrongPipeline = await ctx.api('GET', `/v2/pipelines/${otherPipeline}/versions/${versionId}`);
      assert.equal(wrongPipeline.status, 404, 'a version is found only under its own pipeline');
      assert.match(wrongPipeline.body.message ?? wrongPipeline.text, /version/i);
      await get(ctx.api, base);
      await get(ctx.api, `/v2/pipelines/${d.pipelineId}`);
      await get(ctx.api, `/v2/templates/${d.templateId}`);
    }
  });

  if (ctx.kind !== 'postgres') return;

  const schema = () => ctx.store.env.SLUICE_DATABASE_SCHEMA;
  async function withSql<T>(body: (sql: pg.Client) => Promise<T>): Promise<T> {
    const sql = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema()}` });
    await sql.connect();
    try {
      return await body(sql);
    } finally {
      await sql.end();
    }
  }

  it('sees another replica\'s changes, and changes made in SQL, within a deadline', async () => {
    const base = await newVersion('replicated');
    const replica = await startTestServer(ctx.store, { SLUICE_REPLICA_ID: 'replica-b' });
    try {
      const b = client(replica.url, await ctx.tokenFor({ realm: REALM, roles: ['OrgAdmin'] }));
      const soon = { timeoutMs: 5_000, what: 'the change to reach this replica' };

      await get(ctx.api, base);
      const cron = { timeTriggerOptions: { cronJobExpression: '7 7 * * *', processingType: 'changes' } };
      assert.equal((await b('PUT', `${base}/scheduler-configuration`, { body: cron })).status, 200);
      await waitFor(async () => JSON.stringify((await get(ctx.api, base)).schedulerConfiguration) === JSON.stringify(cron), soon);

      await get(ctx.api, `/v2/pipelines/${d.pipelineId}`);
      assert.equal((await b('PUT', `/v2/pipelines/${d.pipelineId}`, { body: { name: 'renamed-by-b', groupId: GROUP } })).status, 200);
      await waitFor(async () => (await get(ctx.api, `/v2/pipelines/${d.pipelineId}`)).name === 'renamed-by-b', soon);

      // No Sluice process wrote this one: only the trigger can tell the cache.
      await withSql((sql) => sql.query('update pipeline_versions set name = $1 where id = $2', ['renamed-in-sql', base.split('/').pop()]));
      await waitFor(async () => (await get(ctx.api, base)).name === 'renamed-in-sql', soon);

      assert.equal((await b('DELETE', base)).status, 204);
      await waitFor(async () => (await ctx.api('GET', base)).status === 404, soon);
    } finally {
      await replica.stop();
    }
  });

  it('drops what it cached when its listening connection is lost', async () => {
    const base = await newVersion('feed-lost');
    assert.equal((await get(ctx.api, base)).name, 'feed-lost');
    await withSql(async (sql) => {
      // The listener is gone (waited for) before the change commits, so its notification is lost.
      const killed = await sql.query(
        'select pg_terminate_backend(pid, 5000) as done from pg_stat_activity where application_name = $1',
        [`sluice-changes:${schema()}`],
      );
      assert.equal(killed.rows.length, 1, 'one listening connection for the one server');
      assert.equal(killed.rows[0].done, true);
      await sql.query('update pipeline_versions set name = $1 where id = $2', ['changed-unheard', base.split('/').pop()]);
    });
    await waitFor(async () => (await get(ctx.api, base)).name === 'changed-unheard', { timeoutMs: 10_000, what: 'the unheard change' });
    assert.match(ctx.server.output(), /read cache off until it listens again/);
    await waitFor(async () => /change feed listening again; read cache on/.test(ctx.server.output()), { timeoutMs: 10_000, what: 'the feed to listen again' });
  });
});
