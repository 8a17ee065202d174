import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import pg from 'pg';
import { createTemplate, uploadPackage } from '../helpers/fixtures.js';
import { client, POSTGRES_URL, startTestServer, type Request } from '../helpers/server.js';
import { describeOnStores, GROUP, REALM } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

/**
 * What the console serves and reads, over HTTP on both stores: its page and assets, its sign-in,
 * the paged and cached version list, pipelineUIUrl, and the routes its pages poll.
 */
describeOnStores('console routes', (ctx) => {
  let templateId: string;
  let pipelineId: string;
  const versionIds: string[] = [];
  const versions = () => `/v2/pipelines/${pipelineId}/versions`;
  const newVersion = async (name: string, api: Request = ctx.api) => {
    const res = await api('POST', versions(), {
      body: { name, pipelineTemplateId: templateId, inputCatalogs: { in: 'hrn:here:data:::console-in' }, outputCatalogHRN: 'hrn:here:data:::console-out' },
    });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const names = (list: { name: string }[]) => list.map((v) => v.name);

  before(async () => {
    templateId = (await createTemplate(ctx.api, await uploadPackage(ctx.api))).id;
    const pipeline = await ctx.api('POST', '/v2/pipelines', { body: { name: 'console-list', groupId: GROUP } });
    pipelineId = pipeline.body.id;
    for (let i = 1; i <= 5; i++) versionIds.push((await newVersion(`ver${i}`)).id);
  });

  it('serves the console page under /console with a strict content security policy, and its assets gzipped', async () => {
    for (const path of ['/console/', `/console/pipelines/${pipelineId}/versions/${versionIds[0]}`, '/console/sign-in']) {
      const res = await fetch(ctx.server.url + path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'; .*connect-src 'self'/);
      const html = await res.text();
      // Nothing from another origin: the page names only its own assets.
      assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
      const script = /src="(\/console\/assets\/console-\w+\.js)"/.exec(html)?.[1];
      assert.ok(script, html);
      const asset = await fetch(ctx.server.url + script, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(asset.status, 200);
      assert.equal(asset.headers.get('content-encoding'), 'gzip');
      assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    }
    const missing = await fetch(`${ctx.server.url}/console/assets/nothing-here.js`);
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).code, 'E1404');
    assert.equal((await fetch(`${ctx.server.url}/console`, { redirect: 'manual' })).headers.get('location'), '/console/');
  });

  it('prints a one-time sign-in link on the embedded default only, and never a token', async () => {
    const link = /\/console\/sign-in#code=([\w-]+)/.exec(ctx.server.output());
    assert.doesNotMatch(ctx.server.output(), /eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    const exchange = (code: string) => ctx.as(null)('POST', '/console/sign-in', { body: { code } });
    const refused = await exchange('not-a-code');
    assert.equal(refused.status, 401);
    assert.match(refused.body.message, /already used or has expired/);
    if (ctx.kind === 'postgres') {
      assert.equal(link, null, 'PostgreSQL is not the embedded default: no link');
      return;
    }
    assert.ok(link, ctx.server.output());
    const first = await exchange(link[1]);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const me = await ctx.as(first.body.token)('GET', '/sluice/v1/console/me');
    assert.equal(me.status, 200, me.text);
    assert.deepEqual({ userId: me.body.userId, realm: me.body.realm, orgAdmin: me.body.orgAdmin }, { userId: 'local-user', realm: 'local', orgAdmin: true });
    assert.equal((await exchange(link[1])).status, 401, 'a code is good once');
    assert.doesNotMatch(ctx.server.output(), new RegExp(first.body.token.replace(/[.]/g, '\\.')));
  });

  it('puts the console page of each version in pipelineUIUrl', async () => {
    const page = `${ctx.server.url}/console/pipelines/${pipelineId}/versions/${versionIds[1]}`;
    assert.equal((await ctx.api('GET', `${versions()}/${versionIds[1]}`)).body.pipelineUIUrl, page);
    assert.equal((await ctx.api('GET', versions())).body[1].pipelineUIUrl, page);
    assert.equal((await ctx.api('GET', `${versions()}?verbose=true`)).body[1].pipelineUIUrl, page);
  });

  it('pages the version list with limit and after, naming the next page in a Link header', async () => {
    const all = await ctx.api('GET', versions());
    assert.deepEqual(names(all.body), ['ver1', 'ver2', 'ver3', 'ver4', 'ver5']);
    assert.equal(all.headers.get('link'), null);
    const first = await ctx.api('GET', `${versions()}?limit=2`);
    assert.deepEqual(names(first.body), ['ver1', 'ver2']);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    assert.equal(next, `${ctx.server.url}${versions()}?limit=2&after=2`);
    const second = await ctx.api('GET', next!.slice(ctx.server.url.length));
    assert.deepEqual(names(second.body), ['ver3', 'ver4']);
    const last = await ctx.api('GET', `${versions()}?limit=2&after=4`);
    assert.deepEqual(names(last.body), ['ver5']);
    assert.equal(last.headers.get('link'), null);
    assert.deepEqual(names((await ctx.api('GET', `${versions()}?limit=2&after=5`)).body), []);
    for (const bad of ['limit=0', 'limit=1001', 'limit=x', 'after=-1']) {
      const res = await ctx.api('GET', `${versions()}?${bad}`);
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.code, 'E1000');
    }
  });

  it('answers 304 to If-None-Match while the list is unchanged, and the new list after any change', async () => {
    const first = await ctx.api('GET', versions());
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[\w-]+"$/);
    const again = await ctx.api('GET', versions(), { headers: { 'if-none-match': etag! } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    // An update (its settings), then an insert, then a delete: each is in the next answer.
    const cron = { timeTriggerOptions: { cronJobExpression: '5 5 * * *', processingType: 'changes' } };
    assert.equal((await ctx.api('PUT', `${versions()}/${versionIds[0]}/scheduler-configuration`, { body: cron })).status, 200);
    const updated = await ctx.api('GET', versions(), { headers: { 'if-none-match': etag! } });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.body[0].schedulerConfiguration, cron);
    await newVersion('ver6');
    assert.deepEqual(names((await ctx.api('GET', versions())).body), ['ver1', 'ver2', 'ver3', 'ver4', 'ver5', 'ver6']);
    const v6 = (await ctx.api('GET', versions())).body[5];
    assert.equal((await ctx.api('DELETE', `${versions()}/${v6.id}`)).status, 204);
    assert.deepEqual(names((await ctx.api('GET', versions())).body), ['ver1', 'ver2', 'ver3', 'ver4', 'ver5']);
  });

  it('keeps another realm out of the list, the overview and the version view', async () => {
    assert.equal((await ctx.other('GET', versions())).status, 404);
    assert.equal((await ctx.other('GET', `/sluice/v1/console/pipelines/${pipelineId}/versions/${versionIds[0]}`)).status, 404);
    assert.deepEqual((await ctx.other('GET', '/sluice/v1/console/pipelines')).body.items, []);
    assert.deepEqual((await ctx.other('GET', '/sluice/v1/console/packages')).body, []);
    assert.equal((await ctx.as(null)('GET', '/sluice/v1/console/pipelines')).status, 401);
  });

  it('lists pipelines with search, state filter and pages', async () => {
    for (const name of ['alpha-one', 'alpha-two', 'beta_1%']) {
      assert.equal((await ctx.api('POST', '/v2/pipelines', { body: { name, groupId: GROUP } })).status, 201);
    }
    const overview = (query: string) => ctx.api('GET', `/sluice/v1/console/pipelines${query}`);
    const all = await overview('');
    assert.equal(all.status, 200, all.text);
    const listed = all.body.items.find((p: { id: string }) => p.id === pipelineId);
    assert.equal(listed.versionCount, 5);
    assert.equal(listed.activeVersion, undefined);
    assert.equal(listed.lastJob, undefined);
    assert.deepEqual(names((await overview('?search=ALPHA')).body.items), ['alpha-one', 'alpha-two']);
    // % and _ are matched as themselves, not as patterns.
    assert.deepEqual(names((await overview(`?search=${encodeURIComponent('_1%')}`)).body.items), ['beta_1%']);
    assert.deepEqual(names((await overview('?state=running')).body.items), []);
    assert.ok((await overview('?state=idle')).body.items.length >= 4);
    assert.equal((await overview('?state=bogus')).status, 400);
    const etag = all.headers.get('etag')!;
    assert.equal((await ctx.api('GET', '/sluice/v1/console/pipelines', { headers: { 'if-none-match': etag } })).status, 304);
  });

  it('answers the version page in one read', async () => {
    const view = await ctx.api('GET', `/sluice/v1/console/pipelines/${pipelineId}/versions/${versionIds[2]}`);
    assert.equal(view.status, 200, view.text);
    assert.equal(view.body.version.name, 'ver3');
    assert.equal(view.body.kind, 'run-now');
    assert.equal(view.body.pipeline.name, 'console-list');
    assert.equal(view.body.template.id, templateId);
    assert.deepEqual(view.body.jobs, []);
    assert.deepEqual(view.body.operations, []);
    assert.deepEqual(names(view.body.siblings), ['ver1', 'ver2', 'ver4', 'ver5']);
    assert.equal(view.body.version.loggingConfiguration.configuration.loggers.root.level, 'warn');
    assert.equal((await ctx.api('GET', `/sluice/v1/console/pipelines/${pipelineId}/versions/${templateId}`)).status, 404);
  });

  if (ctx.kind !== 'postgres') return;

  it('sees versions another replica creates and changes in SQL, within a deadline', async () => {
    const soon = { timeoutMs: 5_000, what: 'the change to reach this replica\'s list' };
    assert.deepEqual(names((await ctx.api('GET', versions())).body), ['ver1', 'ver2', 'ver3', 'ver4', 'ver5']);
    const replica = await startTestServer(ctx.store, { SLUICE_REPLICA_ID: 'replica-b' });
    try {
      await newVersion('from-b', client(replica.url, await ctx.tokenFor({ realm: REALM, roles: ['OrgAdmin'] })));
      await waitFor(async () => names((await ctx.api('GET', versions())).body).includes('from-b'), soon);
    } finally {
      await replica.stop();
    }
    const sql = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${ctx.store.env.SLUICE_DATABASE_SCHEMA}` });
    await sql.connect();
    try {
      await sql.query('update pipeline_versions set name = $1 where id = $2', ['renamed-in-sql', versionIds[4]]);
    } finally {
      await sql.end();
    }
    await waitFor(async () => names((await ctx.api('GET', versions())).body).includes('renamed-in-sql'), soon);
  });
});
