import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { cluster, createTemplate, templateBody, uploadPackage } from '../helpers/fixtures.js';
import { describeOnStores, REALM } from '../helpers/suite.js';

describeOnStores('templates', (ctx) => {
  let packageId: string;
  before(async () => { packageId = await uploadPackage(ctx.api); });

  it('creates a template in `creating` that becomes `created`, with defaults filled in', async () => {
    const res = await ctx.api('POST', '/v2/templates', { body: templateBody(packageId, { defaultRuntimeConfiguration: 'a=1\nb=2' }) });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.state, 'creating');
    assert.equal(res.body.hrn, `hrn:here:pipeline-template::${REALM}:${res.body.id}`);
    const t = await createTemplate(ctx.api, packageId);
    assert.equal(t.state, 'created');
    assert.deepEqual(t.defaultClusterConfiguration, {
      ...cluster,
      workerResourceProfileId: 'batch-standard',
      supervisorResourceProfileId: 'batch-standard',
      workerAdditionalOverheadMemory: 0,
      supervisorAdditionalOverheadMemory: 0,
      gcProfile: 'g1gc',
    });
    assert.deepEqual(t.inputCatalogIds, ['in']);
    const byHrn = await ctx.api('GET', `/v2/templates/${encodeURIComponent(t.hrn)}`);
    assert.deepEqual(byHrn.body, t);
    assert.deepEqual((await ctx.api('GET', `/v2/templates/${t.id}/hrn`)).body, { hrn: t.hrn });
  });

  it('fails creation when the entry point is not in the package, or the package is missing', async () => {
    const wrongClass = await createTemplate(ctx.api, packageId, { entryPointClassName: 'com.example.Missing' });
    assert.equal(wrongClass.state, 'creation_failed');
    assert.match(wrongClass.stateMessage, /com\.example\.Missing/);
    const noPackage = await createTemplate(ctx.api, '00000000-0000-4000-8000-000000000000');
    assert.equal(noPackage.state, 'creation_failed');
    // A package of another realm is as missing as an unknown one.
    const foreign = await createTemplate(ctx.other, packageId);
    assert.equal(foreign.state, 'creation_failed');
  });

  it('lists templates, and only `created` ones with linkable=true', async () => {
    const good = await createTemplate(ctx.api, packageId, { name: 'listed-good' });
    const bad = await createTemplate(ctx.api, packageId, { name: 'listed-bad', entryPointClassName: 'x.Y' });
    const all = (await ctx.api('GET', '/v2/templates')).body.map((t: { id: string }) => t.id);
    assert.ok(all.includes(good.id) && all.includes(bad.id));
    const linkable = (await ctx.api('GET', '/v2/templates?linkable=true')).body.map((t: { id: string }) => t.id);
    assert.ok(linkable.includes(good.id) && !linkable.includes(bad.id));
    assert.equal((await ctx.api('GET', '/v2/templates?linkable=maybe')).status, 400);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['an unknown runtime', { runtimeEnvironment: 'batch-9.9.9' }, '/runtimeEnvironment'],
    ['units over the runtime maximum', { defaultClusterConfiguration: { ...cluster, workerUnits: 16 } }, '/defaultClusterConfiguration/workerUnits'],
    ['a profile the runtime does not offer', { defaultClusterConfiguration: { ...cluster, workerResourceProfileId: 'stream-standard' } }, '/defaultClusterConfiguration/workerResourceProfileId'],
    ['an unknown profile', { defaultClusterConfiguration: { ...cluster, supervisorResourceProfileId: 'nope' } }, '/defaultClusterConfiguration/supervisorResourceProfileId'],
    ['too much overhead', { defaultClusterConfiguration: { ...cluster, workerAdditionalOverheadMemory: 0.06 } }, '/defaultClusterConfiguration/workerAdditionalOverheadMemory'],
    ['an unknown GC profile', { defaultClusterConfiguration: { ...cluster, gcProfile: 'zgc' } }, '/defaultClusterConfiguration/gcProfile'],
    ['workers as a string', { defaultClusterConfiguration: { ...cluster, workers: '2' } }, '/defaultClusterConfiguration/workers'],
    ['a missing cluster configuration', { defaultClusterConfiguration: undefined }, '/defaultClusterConfiguration'],
    ['a bad class name', { entryPointClassName: 'com..Main' }, '/entryPointClassName'],
    ['a bad catalog label', { inputCatalogIds: ['ok', 'not ok'] }, '/inputCatalogIds/1'],
    ['a duplicate catalog label', { inputCatalogIds: ['in', 'in'] }, '/inputCatalogIds/1'],
    ['a package id that is no UUID', { packageId: 'abc' }, '/packageId'],
    ['a name too long', { name: 'n'.repeat(65) }, '/name'],
    ['a property value too long', { defaultRuntimeConfiguration: `k=${'v'.repeat(8193)}` }, '/defaultRuntimeConfiguration'],
    ['a property name too long', { defaultRuntimeConfiguration: `${'k'.repeat(2049)}=v` }, '/defaultRuntimeConfiguration'],
    ['properties too long in all', { defaultRuntimeConfiguration: 'a=b\n'.repeat(2600) }, '/defaultRuntimeConfiguration'],
  ];
  for (const [what, overrides, field] of invalid) {
    it(`refuses ${what} with 400 at ${field} and stores nothing`, async () => {
      const before = (await ctx.api('GET', '/v2/templates')).body.length;
      const res = await ctx.api('POST', '/v2/templates', { body: templateBody(packageId, overrides) });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.code, 'E1000');
      assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), JSON.stringify(res.body.errors));
      assert.equal((await ctx.api('GET', '/v2/templates')).body.length, before);
    });
  }

  it('accepts a two-part stream runtime id', async () => {
    const t = await createTemplate(ctx.api, packageId, {
      runtimeEnvironment: 'stream-5.0',
      defaultClusterConfiguration: { ...cluster, workerResourceProfileId: 'stream-high-memory' },
    });
    assert.equal(t.runtimeEnvironment, 'stream-5.0');
    assert.equal(t.defaultClusterConfiguration.supervisorResourceProfileId, 'stream-standard');
  });

  it('deletes a template; another realm gets 404', async () => {
    const t = await createTemplate(ctx.api, packageId);
    assert.equal((await ctx.other('GET', `/v2/templates/${t.id}`)).status, 404);
    assert.equal((await ctx.other('DELETE', `/v2/templates/${t.id}`)).status, 404);
    assert.equal((await ctx.api('DELETE', `/v2/templates/${t.id}`)).status, 204);
    assert.equal((await ctx.api('GET', `/v2/templates/${t.id}`)).status, 404);
    assert.equal((await ctx.api('DELETE', `/v2/templates/${t.id}`)).status, 404);
  });

  it('keeps templates across a restart', async () => {
    const t = await createTemplate(ctx.api, packageId, { name: 'survivor' });
    await ctx.restart();
    assert.deepEqual((await ctx.api('GET', `/v2/templates/${t.id}`)).body, t);
  });
});
