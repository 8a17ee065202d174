import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { assertErrorMessage, fieldsOf, UUID_V4 } from '../helpers/errors.js';
import { cluster, createTemplate, uploadPackage } from '../helpers/fixtures.js';
import type { ApiResponse } from '../helpers/server.js';
import { describeOnStores, GROUP } from '../helpers/suite.js';

const IN = 'hrn:here:data:::input-catalog';
const OUT = 'hrn:here:data:::output-catalog';

/** A request with a target `fetch` would rewrite (absolute-form, undecodable escapes), sent as is. */
function rawGet(baseUrl: string, target: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method: 'GET', path: target, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describeOnStores('HTTP behaviour', (ctx) => {
  let pipelineId: string;
  let batchTemplateId: string;
  let streamTemplateId: string;
  let versionPath: string;

  before(async () => {
    const packageId = await uploadPackage(ctx.api);
    batchTemplateId = (await createTemplate(ctx.api, packageId)).id;
    streamTemplateId = (await createTemplate(ctx.api, packageId, { runtimeEnvironment: 'stream-5.0', inputCatalogIds: [] })).id;
    pipelineId = (await ctx.api('POST', '/v2/pipelines', { body: { name: 'http-pipe', groupId: GROUP } })).body.id;
    const version = await ctx.api('POST', `/v2/pipelines/${pipelineId}/versions`, {
      body: { name: 'v-http', pipelineTemplateId: batchTemplateId, inputCatalogs: { in: IN }, outputCatalogHRN: OUT },
    });
    assert.equal(version.status, 201, version.text);
    versionPath = `/v2/pipelines/${pipelineId}/versions/${version.body.id}`;
  });

  /** One request per kind of answer; `headers` are the id headers under test. */
  const scenarios: Array<{ name: string; status: number; send(headers: Record<string, string>): Promise<ApiResponse> }> = [
    { name: 'success', status: 200, send: (headers) => ctx.api('GET', '/v2/pipelines', { headers }) },
    { name: 'created', status: 201, send: (headers) => ctx.api('POST', '/v2/pipelines', { headers, body: { name: 'ids-pipe', groupId: GROUP } }) },
    { name: 'validation error', status: 400, send: (headers) => ctx.api('POST', '/v2/pipelines', { headers, body: { name: 'x', groupId: GROUP } }) },
    { name: 'missing token', status: 401, send: (headers) => ctx.as(null)('GET', '/v2/pipelines', { headers }) },
    { name: 'unknown id', status: 404, send: (headers) => ctx.api('GET', `/v2/pipelines/${randomUUID()}`, { headers }) },
    { name: 'unknown route', status: 404, send: (headers) => ctx.api('GET', '/v2/nothing-here', { headers }) },
    { name: 'method not allowed', status: 405, send: (headers) => ctx.api('PATCH', '/v2/pipelines', { headers, body: {} }) },
    {
      name: 'malformed JSON', status: 400,
      send: (headers) => ctx.api('POST', '/v2/pipelines', { headers: { ...headers, 'content-type': 'application/json' }, rawBody: '{"name": "broken",' }),
    },
    {
      name: 'unsupported media type', status: 415,
      send: (headers) => ctx.api('POST', '/v2/pipelines', { headers: { ...headers, 'content-type': 'text/plain' }, rawBody: 'name=x' }),
    },
    { name: 'undecodable URL', status: 400, send: (headers) => rawGet(ctx.server.url, '/v2/pipelines/%E0%A4%A', headers) },
  ];

  describe('X-Request-ID and X-Correlation-ID', () => {
    for (const scenario of scenarios) {
      it(`are echoed on ${scenario.name} (${scenario.status})`, async () => {
        const sent = { 'X-Request-ID': `req-${randomUUID()}`, 'X-Correlation-ID': `corr:${Date.now()}.1` };
        const res = await scenario.send(sent);
        assert.equal(res.status, scenario.status, res.text);
        assert.equal(res.headers.get('x-request-id'), sent['X-Request-ID']);
        assert.equal(res.headers.get('x-correlation-id'), sent['X-Correlation-ID']);
        if (scenario.status >= 400) assertErrorMessage(res, scenario.status);
      });

      it(`are generated as fresh UUIDs on ${scenario.name} when absent`, async () => {
        const first = await scenario.send({});
        const second = await scenario.send({});
        assert.equal(first.status, scenario.status, first.text);
        const ids = [first, second].flatMap((res) => [res.headers.get('x-request-id'), res.headers.get('x-correlation-id')]);
        for (const id of ids) assert.match(id ?? '', UUID_V4);
        assert.equal(new Set(ids).size, 4, 'every id is new');
      });
    }

    it('replaces an id that is not a plain token instead of reflecting it', async () => {
      const res = await ctx.api('GET', '/v2/pipelines', { headers: { 'X-Request-ID': 'evil id"<x>', 'X-Correlation-ID': 'a'.repeat(201) } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('x-request-id') ?? '', UUID_V4);
      assert.match(res.headers.get('x-correlation-id') ?? '', UUID_V4);
    });
  });

  describe('bodies that are not JSON objects', () => {
    it('answers malformed JSON with 400 and stores nothing', async () => {
      const before = (await ctx.api('GET', '/v2/pipelines')).body.length;
      for (const rawBody of ['{"name": "half"', '{name: "js-style"}', '', '\u0000']) {
        const res = await ctx.api('POST', '/v2/pipelines', { headers: { 'content-type': 'application/json' }, rawBody });
        assertErrorMessage(res, 400);
      }
      assert.equal((await ctx.api('GET', '/v2/pipelines')).body.length, before);
    });

    it('answers JSON that is not an object with 400 pointing at the whole body', async () => {
      for (const body of [[], 'text', 42, null]) {
        const res = await ctx.api('POST', '/v2/pipelines', { body });
        assertErrorMessage(res, 400);
        assert.deepEqual(fieldsOf(res), [''], res.text);
      }
    });

    it('refuses text/plain, application/xml and an absent Content-Type with 415', async () => {
      const attempts: Array<[string, string, Record<string, string>, string]> = [
        ['POST', '/v2/pipelines', { 'content-type': 'text/plain' }, JSON.stringify({ name: 'as-text', groupId: GROUP })],
        ['POST', '/v2/pipelines', { 'content-type': 'application/xml' }, '<pipeline><name>xml</name></pipeline>'],
        ['PUT', `${versionPath}/logging-configuration`, { 'content-type': 'application/xml' }, '<configuration/>'],
        ['PUT', `/v2/pipelines/${pipelineId}`, { 'content-type': 'text/plain; charset=utf-8' }, 'name=renamed'],
        ['POST', '/v2/templates', { 'content-type': '' }, '{}'],
      ];
      for (const [method, path, headers, rawBody] of attempts) {
        const res = await ctx.api(method, path, { headers, rawBody });
        assertErrorMessage(res, 415);
        assert.equal(res.body.code, 'E1415');
      }
      assert.equal((await ctx.api('GET', `/v2/pipelines/${pipelineId}`)).body.name, 'http-pipe');
    });

    it('answers a body over the 1 MiB limit with 413', async () => {
      const res = await ctx.api('POST', '/v2/pipelines', { body: { name: 'big', groupId: GROUP, description: 'd'.repeat(1024 * 1024) } });
      assertErrorMessage(res, 413);
    });
  });

  describe('validation errors name fields by RFC 6901 pointer', () => {
    it('reports wrong types, with the value sent', async () => {
      const res = await ctx.api('POST', '/v2/pipelines', { body: { name: 42, description: ['a'], groupId: GROUP, contactEmail: true } });
      assertErrorMessage(res, 400);
      assert.equal(res.body.code, 'E1000');
      assert.deepEqual(fieldsOf(res), ['/contactEmail', '/description', '/name']);
      assert.equal(res.body.errors.find((e: { field: string }) => e.field === '/name').invalidValue, 42);
    });

    it('reports a missing required property at the property, not at its object', async () => {
      const res = await ctx.api('POST', '/v2/templates', {
        body: { name: 'no-units', packageId: randomUUID(), entryPointClassName: 'a.B', inputCatalogIds: [], groupId: GROUP, defaultClusterConfiguration: { workers: 1 } },
      });
      assertErrorMessage(res, 400);
      assert.deepEqual(fieldsOf(res), ['/defaultClusterConfiguration/supervisorUnits', '/defaultClusterConfiguration/workerUnits']);
    });

    it('reports unknown enum values with the values allowed', async () => {
      const logging = await ctx.api('PUT', `${versionPath}/logging-configuration`, {
        body: { configuration: { loggers: { root: { level: 'verbose' }, logger: [{ name: 'a.b', level: 'info' }, { name: 'c.d', level: 7 }] } } },
      });
      assertErrorMessage(logging, 400);
      assert.deepEqual(fieldsOf(logging), ['/configuration/loggers/logger/1/level', '/configuration/loggers/root/level']);
      for (const error of logging.body.errors) assert.match(error.message, /"error", "warn", "info", "debug"/);

      const scheduler = await ctx.api('PUT', `${versionPath}/scheduler-configuration`, {
        body: { timeTriggerOptions: { cronJobExpression: '0 * * * *', processingType: 'sometimes' } },
      });
      assertErrorMessage(scheduler, 400);
      assert.deepEqual(fieldsOf(scheduler), ['/timeTriggerOptions/processingType']);
      assert.equal(scheduler.body.errors[0].invalidValue, 'sometimes');

      const query = await ctx.api('GET', '/v2/templates?linkable=maybe');
      assertErrorMessage(query, 400);
      assert.deepEqual(fieldsOf(query), ['linkable'], 'a query parameter is named, not pointed at');
      assert.match(query.body.errors[0].message, /^query parameter linkable /);
      // Neither document changed.
      assert.equal((await ctx.api('GET', `${versionPath}/logging-configuration`)).body.configuration.loggers.root.level, 'warn');
      assert.deepEqual((await ctx.api('GET', `${versionPath}/scheduler-configuration`)).body, {});
    });

    it('reports over-long strings, in nested objects and arrays too', async () => {
      const pipeline = await ctx.api('POST', '/v2/pipelines', {
        body: { name: 'n'.repeat(65), description: 'd'.repeat(513), groupId: GROUP, contactEmail: `${'e'.repeat(250)}@example.com` },
      });
      assertErrorMessage(pipeline, 400);
      assert.deepEqual(fieldsOf(pipeline), ['/contactEmail', '/description', '/name']);

      const logging = await ctx.api('PUT', `${versionPath}/logging-configuration`, {
        body: { configuration: { loggers: { root: { level: 'warn' }, logger: [{ name: 'x'.repeat(513), level: 'info' }] } } },
      });
      assertErrorMessage(logging, 400);
      assert.deepEqual(fieldsOf(logging), ['/configuration/loggers/logger/0/name']);

      const template = await ctx.api('POST', '/v2/templates', {
        body: { name: 't'.repeat(70), packageId: randomUUID(), entryPointClassName: 'a.B', defaultClusterConfiguration: cluster, groupId: GROUP, inputCatalogIds: ['ok', 'l'.repeat(65)] },
      });
      assertErrorMessage(template, 400);
      assert.deepEqual(fieldsOf(template), ['/inputCatalogIds/1', '/name']);
    });

    it('escapes "/" as ~1 and "~" as ~0 in keys: inputCatalogs labels and streamConfiguration keys', async () => {
      const versions = `/v2/pipelines/${pipelineId}/versions`;
      const before = (await ctx.api('GET', versions)).body.length;
      const labels = await ctx.api('POST', versions, {
        body: { name: 'v-keys', pipelineTemplateId: batchTemplateId, inputCatalogs: { in: IN, 'raw/events': IN, 'v~2': IN }, outputCatalogHRN: OUT },
      });
      assertErrorMessage(labels, 400);
      assert.deepEqual(fieldsOf(labels), ['/inputCatalogs/raw~1events', '/inputCatalogs/v~02']);
      assert.equal(labels.body.errors.find((e: { field: string }) => e.field === '/inputCatalogs/raw~1events').invalidValue, 'raw/events');

      // A value too long under a key with both characters: the validator's own pointer.
      const longValue = await ctx.api('POST', versions, {
        body: { name: 'v-stream', pipelineTemplateId: streamTemplateId, inputCatalogs: {}, outputCatalogHRN: OUT, streamConfiguration: { 'a/b~c': 'v'.repeat(257) } },
      });
      assertErrorMessage(longValue, 400);
      assert.deepEqual(fieldsOf(longValue), ['/streamConfiguration/a~1b~0c']);

      // A key the stream rules refuse: the domain check's pointer.
      const refusedKey = await ctx.api('POST', versions, {
        body: { name: 'v-stream', pipelineTemplateId: streamTemplateId, inputCatalogs: {}, outputCatalogHRN: OUT, streamConfiguration: { 'state/dir~1': 'x' } },
      });
      assertErrorMessage(refusedKey, 400);
      assert.deepEqual(fieldsOf(refusedKey), ['/streamConfiguration/state~1dir~01']);
      assert.equal((await ctx.api('GET', versions)).body.length, before);
    });

    it('checks the body before looking up the resource the path names', async () => {
      const res = await ctx.api('PUT', `/v2/pipelines/${randomUUID()}`, { body: { name: 'x' } });
      assertErrorMessage(res, 400);
      const valid = await ctx.api('PUT', `/v2/pipelines/${randomUUID()}`, { body: { name: 'valid-name', groupId: GROUP } });
      assertErrorMessage(valid, 404);
    });
  });

  describe('routing', () => {
    it('answers an unknown route with a 404 ErrorMessage', async () => {
      for (const path of ['/v2/nothing', '/v2/pipelines/a/b/c/d', '/nothing', '/V2/pipelines']) {
        const res = await ctx.api('GET', path);
        assertErrorMessage(res, 404);
        assert.equal(res.body.code, 'E1404');
      }
    });

    it('asks for a token before saying whether a /v2 route exists', async () => {
      assertErrorMessage(await ctx.as(null)('GET', '/v2/nothing'), 401);
      assertErrorMessage(await ctx.as(null)('GET', '/nothing'), 404);
    });

    it('answers a known path under the wrong method with 405 and Allow', async () => {
      const cases: Array<[string, string, string[]]> = [
        ['PATCH', '/v2/pipelines', ['GET', 'HEAD', 'POST']],
        ['DELETE', '/v2/pipelines', ['GET', 'HEAD', 'POST']],
        ['POST', `/v2/pipelines/${pipelineId}`, ['DELETE', 'GET', 'HEAD', 'PUT']],
        ['PUT', `${versionPath}/jobs`, ['GET', 'HEAD']],
        // …/operations/cancel is also …/operations/{operationId}, so GET is allowed there.
        ['DELETE', `${versionPath}/operations/cancel`, ['GET', 'HEAD', 'POST']],
        ['PUT', '/v2/runtimeEnvironments', ['GET', 'HEAD']],
      ];
      for (const [method, path, allowed] of cases) {
        const res = await ctx.api(method, path, method === 'GET' ? {} : { body: {} });
        assertErrorMessage(res, 405);
        assert.equal(res.body.code, 'E1405');
        assert.deepEqual((res.headers.get('allow') ?? '').split(', ').sort(), allowed, `${method} ${path}`);
      }
      assert.equal((await ctx.api('GET', `/v2/pipelines/${pipelineId}`)).status, 200, 'nothing was deleted');
    });

    it('answers an id longer than the schema allows with a 400 naming the parameter', async () => {
      const res = await ctx.api('GET', `/v2/pipelines/${'a'.repeat(300)}`);
      assertErrorMessage(res, 400);
      assert.deepEqual(fieldsOf(res), ['pipelineId'], 'a path parameter is named, not pointed at');
      assert.match(res.body.errors[0].message, /^path parameter pipelineId /);
    });

    it('authenticates an absolute-form request target like any other', async () => {
      const token = await ctx.tokenFor({ realm: 'realm-a' });
      const absolute = await rawGet(ctx.server.url, `${ctx.server.url}/v2/pipelines/${pipelineId}`, { authorization: `Bearer ${token}` });
      assert.equal(absolute.status, 200, absolute.text);
      assert.equal(absolute.body.id, pipelineId);
      assertErrorMessage(await rawGet(ctx.server.url, `${ctx.server.url}/v2/pipelines/${pipelineId}`), 401);
    });
  });
});
