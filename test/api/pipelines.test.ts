import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnStores, GROUP, REALM } from '../helpers/suite.js';

describeOnStores('pipelines', (ctx) => {
  const newPipeline = { name: 'word-count', description: 'counts words', groupId: GROUP, contactEmail: 'ops@example.com' };

  it('creates, reads, lists, updates and deletes a pipeline', async () => {
    const created = await ctx.api('POST', '/v2/pipelines', { body: newPipeline });
    assert.equal(created.status, 201, created.text);
    const p = created.body;
    assert.match(p.id, /^[0-9a-f-]{36}$/);
    assert.equal(p.realm, REALM);
    assert.equal(p.hrn, `hrn:here:pipeline::${REALM}:${p.id}`);
    assert.equal(p.groupId, GROUP);
    assert.equal(p.contactEmail, 'ops@example.com');
    assert.ok(!Number.isNaN(Date.parse(p.created)));

    const byId = await ctx.api('GET', `/v2/pipelines/${p.id}`);
    assert.deepEqual(byId.body, p);
    const byHrn = await ctx.api('GET', `/v2/pipelines/${encodeURIComponent(p.hrn)}`);
    assert.deepEqual(byHrn.body, p);
    const hrn = await ctx.api('GET', `/v2/pipelines/${p.id}/hrn`);
    assert.deepEqual(hrn.body, { hrn: p.hrn });

    const listed = await ctx.api('GET', '/v2/pipelines');
    assert.ok(listed.body.some((x: { id: string }) => x.id === p.id));

    const updated = await ctx.api('PUT', `/v2/pipelines/${p.id}`, { body: { name: 'word-count-2', groupId: GROUP } });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.name, 'word-count-2');
    assert.equal(updated.body.description, undefined);

    const deleted = await ctx.api('DELETE', `/v2/pipelines/${p.id}`);
    assert.equal(deleted.status, 204);
    assert.equal((await ctx.api('GET', `/v2/pipelines/${p.id}`)).status, 404);
  });

  it('refuses to change groupId', async () => {
    const p = (await ctx.api('POST', '/v2/pipelines', { body: newPipeline })).body;
    const other = 'GROUP-aaaaaaaa-1234-1234-1234-123456789abc';
    const res = await ctx.api('PUT', `/v2/pipelines/${p.id}`, { body: { name: 'renamed', groupId: other } });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, '/groupId');
    assert.equal((await ctx.api('GET', `/v2/pipelines/${p.id}`)).body.groupId, GROUP);
  });

  it('answers schema violations with JSON-pointer fields and stores nothing', async () => {
    const before = (await ctx.api('GET', '/v2/pipelines')).body.length;
    const res = await ctx.api('POST', '/v2/pipelines', {
      body: { name: 'x', description: 'd'.repeat(513), groupId: 'GROUP-nope', contactEmail: 7 },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.status, 400);
    assert.equal(res.body.code, 'E1000');
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['/contactEmail', '/description', '/groupId', '/name']);
    const name = res.body.errors.find((e: { field: string }) => e.field === '/name');
    assert.equal(name.invalidValue, 'x');
    assert.equal((await ctx.api('GET', '/v2/pipelines')).body.length, before);
  });

  it('needs groupId without a project scope and refuses it with one', async () => {
    const missing = await ctx.api('POST', '/v2/pipelines', { body: { name: 'no-group' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].field, '/groupId');

    const project = 'hrn:here:authorization::realm-a:project/etl';
    const scoped = ctx.as(await ctx.tokenFor({ realm: REALM, scope: project }));
    const refused = await scoped('POST', '/v2/pipelines', { body: newPipeline });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, '/groupId');

    const made = await scoped('POST', '/v2/pipelines', { body: { name: 'in-project' } });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.home, project);
    assert.equal(made.body.homeStatus, 1);
    assert.equal(made.body.groupId, undefined);
    // The project's rows are invisible to unscoped tokens and to other projects.
    assert.equal((await ctx.api('GET', `/v2/pipelines/${made.body.id}`)).status, 404);
    const otherProject = ctx.as(await ctx.tokenFor({ realm: REALM, scope: `${project}-2` }));
    assert.equal((await otherProject('GET', `/v2/pipelines/${made.body.id}`)).status, 404);
    assert.ok((await scoped('GET', '/v2/pipelines')).body.every((x: { home: string }) => x.home === project));
  });

  it('keeps realms apart: another realm sees 404, by UUID and by HRN', async () => {
    const p = (await ctx.api('POST', '/v2/pipelines', { body: newPipeline })).body;
    for (const id of [p.id, encodeURIComponent(p.hrn)]) {
      assert.equal((await ctx.other('GET', `/v2/pipelines/${id}`)).status, 404);
      assert.equal((await ctx.other('PUT', `/v2/pipelines/${id}`, { body: { name: 'stolen', groupId: GROUP } })).status, 404);
      assert.equal((await ctx.other('DELETE', `/v2/pipelines/${id}`)).status, 404);
    }
    assert.ok(!(await ctx.other('GET', '/v2/pipelines')).body.some((x: { id: string }) => x.id === p.id));
    // An HRN naming another realm is unknown even to the owner's realm when spelled for realm B.
    const foreignHrn = encodeURIComponent(`hrn:here:pipeline::realm-b:${p.id}`);
    assert.equal((await ctx.api('GET', `/v2/pipelines/${foreignHrn}`)).status, 404);
    assert.equal((await ctx.api('GET', `/v2/pipelines/${p.id}`)).body.name, p.name);
  });

  it('keeps every row across a restart', async () => {
    const p = (await ctx.api('POST', '/v2/pipelines', { body: newPipeline })).body;
    await ctx.restart();
    const again = await ctx.api('GET', `/v2/pipelines/${p.id}`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, p);
  });
});
