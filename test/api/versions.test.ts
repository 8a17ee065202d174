import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, it } from 'node:test';
import { cluster, createTemplate, uploadPackage } from '../helpers/fixtures.js';
import { describeOnStores, GROUP } from '../helpers/suite.js';

const IN = 'hrn:here:data:::input-catalog';
const OUT = 'hrn:here:data:::output-catalog';

describeOnStores('pipeline versions', (ctx) => {
  let templateId: string;
  let streamTemplateId: string;
  let pipelineId: string;
  const versions = () => `/v2/pipelines/${pipelineId}/versions`;
  const body = (overrides: Record<string, unknown> = {}) => ({
    name: 'v-one', pipelineTemplateId: templateId, inputCatalogs: { in: IN }, outputCatalogHRN: OUT, ...overrides,
  });

  before(async () => {
    const packageId = await uploadPackage(ctx.api);
    templateId = (await createTemplate(ctx.api, packageId, {
      defaultClusterConfiguration: { ...cluster, workerResourceProfileId: 'batch-high-memory' },
      defaultRuntimeConfiguration: 'a=1',
    })).id;
    streamTemplateId = (await createTemplate(ctx.api, packageId, { runtimeEnvironment: 'stream-5.0', inputCatalogIds: [] })).id;
    pipelineId = (await ctx.api('POST', '/v2/pipelines', { body: { name: 'versions-pipe', groupId: GROUP } })).body.id;
  });

  it('creates versions numbered 1, 2, 3 with defaults from the template', async () => {
    const first = await ctx.api('POST', versions(), { body: body({ customRuntimeConfiguration: 'b=2' }) });
    assert.equal(first.status, 201, first.text);
    const v = first.body;
    assert.equal(v.state, 'ready');
    assert.equal(v.pipelineId, pipelineId);
    assert.deepEqual(v.inputCatalogs, { in: IN });
    assert.equal(v.outputCatalogHRN, OUT);
    assert.equal(v.clusterConfiguration.workerResourceProfileId, 'batch-high-memory');
    assert.equal(v.clusterConfiguration.workers, 2);
    assert.equal(v.customRuntimeConfiguration, 'b=2', 'only the version\'s own entries');
    assert.equal(v.multiRegionEnabled, false);
    assert.equal(typeof v.targetRegionId, 'string');
    const second = (await ctx.api('POST', versions(), { body: body({ name: 'v-two', clusterConfiguration: { workers: 5, workerUnits: 2, supervisorUnits: 1 } }) })).body;
    const third = (await ctx.api('POST', versions(), { body: body({ name: 'v-three' }) })).body;
    assert.deepEqual([v.versionNumber, second.versionNumber, third.versionNumber].slice(-3), [v.versionNumber, v.versionNumber + 1, v.versionNumber + 2]);
    assert.equal(second.clusterConfiguration.workers, 5);
    assert.equal(second.clusterConfiguration.workerResourceProfileId, 'batch-high-memory', 'template default kept for fields not given');
    const listed = (await ctx.api('GET', versions())).body;
    assert.deepEqual(listed.map((x: { id: string }) => x.id).slice(-3), [v.id, second.id, third.id]);
    assert.deepEqual((await ctx.api('GET', `${versions()}/${v.id}`)).body, v);
    assert.equal((await ctx.api('GET', `${versions()}/${v.id}?verbose=true`)).status, 200);
  });

  it('keeps keys inside JSON fields as given: labels and settings with underscores and dots', async () => {
    const packageId = await uploadPackage(ctx.api);
    const labelled = (await createTemplate(ctx.api, packageId, { inputCatalogIds: ['my_input', 'other-in'] })).id;
    const res = await ctx.api('POST', versions(), {
      body: body({ name: 'snake', pipelineTemplateId: labelled, inputCatalogs: { my_input: IN, 'other-in': OUT } }),
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.inputCatalogs, { my_input: IN, 'other-in': OUT });
    const read = (await ctx.api('GET', `${versions()}/${res.body.id}`)).body;
    assert.deepEqual(read.inputCatalogs, { my_input: IN, 'other-in': OUT });
    assert.deepEqual((await ctx.api('GET', versions())).body.find((v: { id: string }) => v.id === res.body.id).inputCatalogs, read.inputCatalogs);
    const stream = await ctx.api('POST', versions(), {
      body: body({ name: 'stream-keys', pipelineTemplateId: streamTemplateId, inputCatalogs: {}, streamConfiguration: { 'state.checkpoints.num-retained': '2' } }),
    });
    assert.equal(stream.status, 201, stream.text);
    assert.deepEqual((await ctx.api('GET', `${versions()}/${stream.body.id}`)).body.streamConfiguration, { 'state.checkpoints.num-retained': '2' });
  });

  it('numbers versions without gaps or duplicates under concurrent creation', async () => {
    const pipe = (await ctx.api('POST', '/v2/pipelines', { body: { name: 'concurrent', groupId: GROUP } })).body.id;
    const made = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      ctx.api('POST', `/v2/pipelines/${pipe}/versions`, { body: body({ name: `v-${i}` }) })));
    assert.ok(made.every((r) => r.status === 201), made.map((r) => r.text).join('\n'));
    assert.deepEqual(made.map((r) => r.body.versionNumber).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  const invalid: [string, () => Record<string, unknown>, string][] = [
    ['a missing input label', () => body({ inputCatalogs: {} }), '/inputCatalogs'],
    ['an extra input label', () => body({ inputCatalogs: { in: IN, extra: IN } }), '/inputCatalogs/extra'],
    ['a bad output HRN', () => body({ outputCatalogHRN: 'hrn:here:data:::X' }), '/outputCatalogHRN'],
    ['a bad input HRN', () => body({ inputCatalogs: { in: 'catalog' } }), '/inputCatalogs/in'],
    ['an unknown template', () => body({ pipelineTemplateId: '00000000-0000-4000-8000-000000000001' }), '/pipelineTemplateId'],
    ['units above the runtime maximum', () => body({ clusterConfiguration: { workers: 1, workerUnits: 1, supervisorUnits: 16 } }), '/clusterConfiguration/supervisorUnits'],
    ['a profile of another runtime', () => body({ clusterConfiguration: { ...cluster, workerResourceProfileId: 'stream-standard' } }), '/clusterConfiguration/workerResourceProfileId'],
    ['too long a property value', () => body({ customRuntimeConfiguration: `x=${'y'.repeat(8193)}` }), '/customRuntimeConfiguration'],
    ['both scheduler options', () => body({ schedulerConfiguration: { catalogTriggerOptions: 'version_resolver', timeTriggerOptions: { cronJobExpression: '* * * * *', processingType: 'force' } } }), '/schedulerConfiguration'],
    ['a bad cron expression', () => body({ schedulerConfiguration: { timeTriggerOptions: { cronJobExpression: '61 * * * *', processingType: 'force' } } }), '/schedulerConfiguration/timeTriggerOptions/cronJobExpression'],
    ['an unknown processing type', () => body({ schedulerConfiguration: { timeTriggerOptions: { cronJobExpression: '* * * * *', processingType: 'sometimes' } } }), '/schedulerConfiguration/timeTriggerOptions/processingType'],
    ['an unknown trigger value', () => body({ schedulerConfiguration: { catalogTriggerOptions: 'always' } }), '/schedulerConfiguration/catalogTriggerOptions'],
    ['a bad runAsId', () => body({ runAsId: 'me' }), '/runAsId'],
    ['a short billing tag', () => body({ billingTag: 'ab' }), '/billingTag'],
    ['a stream configuration on batch', () => body({ streamConfiguration: { 'parallelism.default': '2' } }), '/streamConfiguration'],
    ['a stream key not allowed', () => body({ pipelineTemplateId: streamTemplateId, inputCatalogs: {}, streamConfiguration: { 'jobmanager.memory': '1g' } }), '/streamConfiguration/jobmanager.memory'],
    ['a scheduler configuration on stream', () => body({ pipelineTemplateId: streamTemplateId, inputCatalogs: {}, schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' } }), '/schedulerConfiguration'],
    ['a name too long', () => body({ name: 'n'.repeat(65) }), '/name'],
    ['multiRegionEnabled as a string', () => body({ multiRegionEnabled: 'yes' }), '/multiRegionEnabled'],
  ];
  for (const [what, make, field] of invalid) {
    it(`refuses ${what} with 400 at ${field} and stores nothing`, async () => {
      const before = (await ctx.api('GET', versions())).body.length;
      const res = await ctx.api('POST', versions(), { body: make() });
      assert.equal(res.status, 400, res.text);
      assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), JSON.stringify(res.body.errors));
      assert.equal((await ctx.api('GET', versions())).body.length, before);
    });
  }

  it('accepts a stream version with allowed stream settings', async () => {
    const res = await ctx.api('POST', versions(), {
      body: body({ pipelineTemplateId: streamTemplateId, inputCatalogs: {}, streamConfiguration: { 'parallelism.default': '2' } }),
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.streamConfiguration, { 'parallelism.default': '2' });
  });

  it('reads and replaces the scheduler configuration in state ready', async () => {
    const v = (await ctx.api('POST', versions(), { body: body({ name: 'sched' }) })).body;
    const url = `${versions()}/${v.id}/scheduler-configuration`;
    assert.deepEqual((await ctx.api('GET', url)).body, {});
    const cron = { timeTriggerOptions: { cronJobExpression: '0 3 * * *', processingType: 'changes' } };
    const put = await ctx.api('PUT', url, { body: cron });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((await ctx.api('GET', url)).body, cron);
    assert.deepEqual((await ctx.api('GET', `${versions()}/${v.id}`)).body.schedulerConfiguration, cron);
    const both = await ctx.api('PUT', url, { body: { ...cron, catalogTriggerOptions: 'version_resolver' } });
    assert.equal(both.status, 400);
    assert.deepEqual((await ctx.api('GET', url)).body, cron, 'a refused PUT changes nothing');
    assert.equal((await ctx.api('PUT', url, { body: {} })).status, 200);
    assert.deepEqual((await ctx.api('GET', url)).body, {});
  });

  it('reads and replaces the logging configuration, default root warn', async () => {
    const v = (await ctx.api('POST', versions(), { body: body({ name: 'logs' }) })).body;
    const url = `${versions()}/${v.id}/logging-configuration`;
    assert.deepEqual((await ctx.api('GET', url)).body, { configuration: { loggers: { root: { level: 'warn' }, logger: [] } } });
    const config = { configuration: { loggers: { root: { level: 'debug' }, logger: [{ name: 'com.example', level: 'info' }] } } };
    assert.equal((await ctx.api('PUT', url, { body: config })).status, 200);
    assert.deepEqual((await ctx.api('GET', url)).body, config);
    const bad = await ctx.api('PUT', url, { body: { configuration: { loggers: { root: { level: 'loud' } } } } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, '/configuration/loggers/root/level');
    assert.deepEqual((await ctx.api('GET', url)).body, config);
  });

  it('deletes a ready version; 404 for unknown ids and other realms', async () => {
    const v = (await ctx.api('POST', versions(), { body: body({ name: 'doomed' }) })).body;
    assert.equal((await ctx.other('GET', `${versions()}/${v.id}`)).status, 404);
    assert.equal((await ctx.other('DELETE', `${versions()}/${v.id}`)).status, 404);
    assert.equal((await ctx.api('GET', `${versions()}/not-a-uuid`)).status, 404);
    assert.equal((await ctx.api('DELETE', `${versions()}/${v.id}`)).status, 204);
    assert.equal((await ctx.api('GET', `${versions()}/${v.id}`)).status, 404);
  });

  it('refuses to delete a template a version uses (412), and deletes a pipeline with its versions', async () => {
    const pipe = (await ctx.api('POST', '/v2/pipelines', { body: { name: 'to-delete', groupId: GROUP } })).body.id;
    const v = (await ctx.api('POST', `/v2/pipelines/${pipe}/versions`, { body: body() })).body;
    const refused = await ctx.api('DELETE', `/v2/templates/${templateId}`);
    assert.equal(refused.status, 412);
    assert.equal((await ctx.api('GET', `/v2/templates/${templateId}`)).status, 200);
    assert.equal((await ctx.api('DELETE', `/v2/pipelines/${pipe}`)).status, 204);
    assert.equal((await ctx.api('GET', `/v2/pipelines/${pipe}/versions/${v.id}`)).status, 404);
  });

  it('lists empty operations, jobs and snapshots (201) for a version that never ran', async () => {
    const v = (await ctx.api('POST', versions(), { body: body({ name: 'idle' }) })).body;
    assert.deepEqual((await ctx.api('GET', `${versions()}/${v.id}/operations`)).body, []);
    assert.deepEqual((await ctx.api('GET', `${versions()}/${v.id}/jobs`)).body, []);
    // Read through the read cache, now warm: another realm still gets 404, as for the version itself.
    for (const sub of ['jobs', 'operations', `operations/${randomUUID()}`]) {
      const res = await ctx.other('GET', `${versions()}/${v.id}/${sub}`);
      assert.equal(res.status, 404, `${sub}: ${res.text}`);
      assert.match(res.body.message, /was not found/);
    }
    assert.equal((await ctx.api('GET', `${versions()}/${v.id}/operations/${randomUUID()}`)).status, 404);
    const snapshots = await ctx.api('GET', `/v2/pipelines/${pipelineId}/snapshots`);
    assert.equal(snapshots.status, 201);
    assert.deepEqual(snapshots.body, []);
  });

  it('keeps versions and their settings across a restart', async () => {
    const v = (await ctx.api('POST', versions(), { body: body({ name: 'persist' }) })).body;
    await ctx.restart();
    // The restarted server listens on another port: pipelineUIUrl and loggingUrl name the new one.
    const again = (await ctx.api('GET', `${versions()}/${v.id}`)).body;
    assert.equal(again.pipelineUIUrl, `${ctx.server.url}/console/pipelines/${v.pipelineId}/versions/${v.id}`);
    assert.ok(again.loggingUrl.startsWith(`${ctx.server.url}/`), again.loggingUrl);
    const withoutHost = (version: { loggingUrl: string; pipelineUIUrl: string }) => ({
      ...version, loggingUrl: new URL(version.loggingUrl).pathname, pipelineUIUrl: new URL(version.pipelineUIUrl).pathname,
    });
    assert.deepEqual(withoutHost(again), withoutHost(v));
  });
});
