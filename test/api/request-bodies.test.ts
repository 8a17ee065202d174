import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { createTemplate, templateBody, uploadPackage } from '../helpers/fixtures.js';
import { describeOnStores, GROUP } from '../helpers/suite.js';

const IN = 'hrn:here:data:::input-catalog';
const OUT = 'hrn:here:data:::output-catalog';
const NUL = '\u0000';

/** What a request may not do to a stored field: a NUL, a prototype key, a huge or deep value. */
describeOnStores('request bodies the stores cannot keep', (ctx) => {
  let packageId: string;
  let templateId: string;
  let pipelineId: string;
  const versions = () => `/v2/pipelines/${pipelineId}/versions`;
  const versionBody = (overrides: Record<string, unknown> = {}) => ({
    name: 'v-one', pipelineTemplateId: templateId, inputCatalogs: { in: IN }, outputCatalogHRN: OUT, ...overrides,
  });
  /** How many rows of each kind the realm has: a refused request must leave them unchanged. */
  const counts = async () => ({
    pipelines: (await ctx.api('GET', '/v2/pipelines')).body.length,
    templates: (await ctx.api('GET', '/v2/templates')).body.length,
    versions: (await ctx.api('GET', versions())).body.length,
  });

  before(async () => {
    packageId = await uploadPackage(ctx.api);
    templateId = (await createTemplate(ctx.api, packageId)).id;
    pipelineId = (await ctx.api('POST', '/v2/pipelines', { body: { name: 'bodies', groupId: GROUP } })).body.id;
  });

  const withNul: Array<[string, string, () => string, () => Record<string, unknown>, string]> = [
    ['a pipeline name', 'POST', () => '/v2/pipelines', () => ({ name: `a${NUL}b`, groupId: GROUP }), '/name'],
    ['a pipeline description', 'POST', () => '/v2/pipelines', () => ({ name: 'p', description: `d${NUL}`, groupId: GROUP }), '/description'],
    ['an updated pipeline description', 'PUT', () => `/v2/pipelines/${pipelineId}`, () => ({ name: 'bodies', description: `d${NUL}`, groupId: GROUP }), '/description'],
    ['a template name', 'POST', () => '/v2/templates', () => templateBody(packageId, { name: `t${NUL}` }), '/name'],
    ['a template runtime configuration', 'POST', () => '/v2/templates', () => templateBody(packageId, { defaultRuntimeConfiguration: `a=${NUL}` }), '/defaultRuntimeConfiguration'],
    ['a version name', 'POST', versions, () => versionBody({ name: `v${NUL}` }), '/name'],
    ['a customRuntimeConfiguration', 'POST', versions, () => versionBody({ customRuntimeConfiguration: `a=1\nb=${NUL}` }), '/customRuntimeConfiguration'],
    ['an input catalog label', 'POST', versions, () => versionBody({ inputCatalogs: { [`in${NUL}`]: IN } }), `/inputCatalogs/in${NUL}`],
  ];
  for (const [what, method, url, make, field] of withNul) {
    it(`refuses a NUL in ${what} with 400 E1000 at its pointer and stores nothing`, async () => {
      const before = await counts();
      const res = await ctx.api(method, url(), { body: make() });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.code, 'E1000');
      assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), JSON.stringify(res.body.errors));
      assert.deepEqual(await counts(), before);
    });
  }

  it('keeps the pipeline as it was when an update carries a NUL', async () => {
    const stored = (await ctx.api('GET', `/v2/pipelines/${pipelineId}`)).body;
    await ctx.api('PUT', `/v2/pipelines/${pipelineId}`, { body: { name: `x${NUL}`, groupId: GROUP } });
    assert.deepEqual((await ctx.api('GET', `/v2/pipelines/${pipelineId}`)).body, stored);
  });

  it('names a path parameter with a NUL as a parameter, not a body pointer', async () => {
    const res = await ctx.api('GET', `/v2/pipelines/hrn%3Ahere%00x`);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.errors[0].field, 'pipelineId');
    assert.match(res.body.errors[0].message, /^path parameter pipelineId /);
  });

  it('refuses a __proto__ key by its pointer, not as invalid JSON', async () => {
    const before = await counts();
    const res = await ctx.api('POST', '/v2/pipelines', {
      rawBody: `{"name":"p","groupId":"${GROUP}","__proto__":{"admin":true}}`,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.code, 'E1000');
    assert.deepEqual(res.body.errors.map((e: { field: string }) => e.field), ['/__proto__']);
    assert.doesNotMatch(res.body.message, /JSON/);
    const nested = await ctx.api('POST', versions(), {
      rawBody: JSON.stringify(versionBody()).replace('"inputCatalogs":{', '"inputCatalogs":{"__proto__":{},'),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(nested.status, 400, nested.text);
    assert.equal(nested.body.errors[0].field, '/inputCatalogs/__proto__');
    assert.deepEqual(await counts(), before);
  });

  it('answers a description nested 5000 deep with an ErrorMessage and a short invalidValue', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const res = await ctx.api('POST', '/v2/pipelines', {
      rawBody: `{"name":"p","groupId":"${GROUP}","description":${deep}}`,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 400, res.text.slice(0, 500));
    assert.equal(res.body.code, 'E1000');
    const error = res.body.errors.find((e: { field: string }) => e.field === '/description');
    assert.ok(error, JSON.stringify(res.body.errors).slice(0, 500));
    assert.equal(typeof error.invalidValue, 'string');
    assert.ok(error.invalidValue.length <= 201, error.invalidValue);
    assert.ok(error.invalidValue.startsWith('[[[['));
  });

  it('echoes the start of a 1 MB invalid string, not the whole of it', async () => {
    const huge = 'x'.repeat(1000 * 1000);
    const res = await ctx.api('POST', '/v2/pipelines', { body: { name: huge, groupId: GROUP } });
    assert.equal(res.status, 400, res.text.slice(0, 500));
    assert.ok(res.text.length < 2000, `an error body of ${res.text.length} bytes`);
    const error = res.body.errors.find((e: { field: string }) => e.field === '/name');
    assert.equal(error.invalidValue, `${'x'.repeat(200)}…`);
  });
});
