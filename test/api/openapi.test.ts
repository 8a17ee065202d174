import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, createStore, startTestServer, type Store, type TestServer } from '../helpers/server.js';

/**
 * The contract's endpoint table (pipeline-api-v2.md), one row per operation: method, path in
 * OpenAPI's `{param}` style, operationId, documented success status, documented query parameters.
 */
const CONTRACT: Array<[method: string, path: string, operationId: string, success: number, query?: string[]]> = [
  ['POST', '/v2/packages', 'createPackage', 201],
  ['GET', '/v2/pipelines', 'listPipelines', 200],
  ['POST', '/v2/pipelines', 'createPipeline', 201],
  ['GET', '/v2/pipelines/{pipelineId}', 'getPipeline', 200],
  ['PUT', '/v2/pipelines/{pipelineId}', 'updatePipeline', 200],
  ['DELETE', '/v2/pipelines/{pipelineId}', 'deletePipeline', 204],
  ['GET', '/v2/pipelines/{pipelineId}/hrn', 'getPipelineHrn', 200],
  ['GET', '/v2/pipelines/{pipelineId}/snapshots', 'listSnapshots', 201], // sic: the hosted API answers 201
  ['GET', '/v2/pipelines/{pipelineId}/snapshots/{snapshotId}', 'getSnapshot', 200],
  ['GET', '/v2/pipelines/{pipelineId}/versions', 'listPipelineVersions', 200, ['verbose']],
  ['POST', '/v2/pipelines/{pipelineId}/versions', 'createPipelineVersion', 201],
  ['GET', '/v2/pipelines/{pipelineId}/versions/{versionId}', 'getPipelineVersion', 200, ['verbose']],
  ['DELETE', '/v2/pipelines/{pipelineId}/versions/{versionId}', 'deletePipelineVersion', 204],
  ['GET', '/v2/pipelines/{pipelineId}/versions/{versionId}/jobs', 'listPipelineVersionJobs', 200],
  ['GET', '/v2/pipelines/{pipelineId}/versions/{versionId}/logging-configuration', 'getLoggingConfiguration', 200],
  ['PUT', '/v2/pipelines/{pipelineId}/versions/{versionId}/logging-configuration', 'updateLoggingConfiguration', 200],
  ['GET', '/v2/pipelines/{pipelineId}/versions/{versionId}/scheduler-configuration', 'getSchedulerConfiguration', 200],
  ['PUT', '/v2/pipelines/{pipelineId}/versions/{versionId}/scheduler-configuration', 'updateSchedulerConfiguration', 200],
  ['GET', '/v2/pipelines/{pipelineId}/versions/{versionId}/operations', 'listOperations', 200],
  ['POST', '/v2/pipelines/{pipelineId}/versions/{versionId}/operations/activate', 'schedulePipelineVersion', 202],
  ['POST', '/v2/pipelines/{pipelineId}/versions/{versionId}/operations/cancel', 'cancelPipelineVersion', 202],
  ['POST', '/v2/pipelines/{pipelineId}/versions/{versionId}/operations/deactivate', 'deactivatePipelineVersion', 202],
  ['POST', '/v2/pipelines/{pipelineId}/versions/{versionId}/operations/pause', 'pausePipelineVersion', 202],
  ['POST', '/v2/pipelines/{pipelineId}/versions/{versionId}/operations/resume', 'resumePipeline', 202],
  ['POST', '/v2/pipelines/{pipelineId}/versions/{versionId}/operations/upgrade', 'upgradePipelineVersion', 202],
  ['GET', '/v2/pipelines/{pipelineId}/versions/{versionId}/operations/{operationId}', 'getPipelineVersionOperation', 200],
  ['GET', '/v2/runtimeEnvironments', 'listRuntimeEnvironments', 200],
  ['GET', '/v2/resourceProfiles', 'listResourceProfiles', 200],
  ['GET', '/v2/templates', 'listPipelineTemplates', 200, ['linkable']],
  ['POST', '/v2/templates', 'createPipelineTemplate', 201],
  ['GET', '/v2/templates/{templateId}', 'getPipelineTemplate', 200],
  ['DELETE', '/v2/templates/{templateId}', 'deletePipelineTemplate', 204],
  ['GET', '/v2/templates/{templateId}/hrn', 'getPipelineTemplateHrn', 200],
  ['GET', '/v2/egressRules', 'listEgressRules', 200],
  ['POST', '/v2/egressRules', 'createEgressRules', 201],
  ['GET', '/v2/egressRules/{ruleId}', 'getEgressRule', 200],
  ['DELETE', '/v2/egressRules/{ruleId}', 'deleteEgressRule', 204],
  ['GET', '/v2/egressRules/auditlog', 'getEgressRulesAuditLog', 200, ['ruleId', 'ruleDestination', 'action', 'principal']],
];


interface Operation {
  operationId?: string;
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  security?: Array<Record<string, string[]>>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  security?: Array<Record<string, string[]>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>; securitySchemes: Record<string, { scheme?: string }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every operation of the document, with where it is. */
function operationsOf(doc: OpenApiDocument) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
}

describe('OpenAPI document [pglite]', () => {
  let store: Store;
  let server: TestServer;
  let doc: OpenApiDocument;

  before(async () => {
    store = await createStore('pglite', 'openapi');
    server = await startTestServer(store);
    // No token: the document is public.
    const res = await client(server.url)('GET', '/openapi.json');
    assert.equal(res.status, 200, res.text);
    doc = res.body;
  });
  after(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it('is an OpenAPI 3 document served without authentication', () => {
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.equal(doc.components.securitySchemes.bearerAuth?.scheme, 'bearer');
  });

  it('has the contract table as data: 38 distinct operations on 27 paths', () => {
    assert.equal(CONTRACT.length, 38);
    assert.equal(new Set(CONTRACT.map((row) => row[2])).size, 38);
    assert.equal(new Set(CONTRACT.map((row) => row[1])).size, 27);
  });

  for (const [method, path, operationId, success, query = []] of CONTRACT) {
    it(`${method} ${path} is ${operationId}, answering ${success}`, () => {
      const op = doc.paths[path]?.[method.toLowerCase()];
      assert.ok(op, `no ${method} ${path} in the document`);
      assert.equal(op.operationId, operationId);
      const documented = Object.keys(op.responses ?? {});
      // The one success status of the contract, and no other 2xx a client generator would prefer.
      assert.deepEqual(documented.filter((s) => s.startsWith('2')), [String(success)]);
      assert.ok(documented.includes('401'), `${operationId} documents no 401`);
      assert.equal(op.responses!['401'].content?.['application/json']?.schema?.$ref, '#/components/schemas/ErrorMessage');
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
        const parameter = op.parameters?.find((p) => p.in === 'path' && p.name === name);
        assert.ok(parameter?.required, `${operationId} does not declare the path parameter ${name}`);
      }
      for (const name of query) {
        assert.ok(op.parameters?.some((p) => p.in === 'query' && p.name === name), `${operationId} does not declare ?${name}`);
      }
    });
  }

  it('documents no /v2 operation outside the contract, and no operationId twice', () => {
    const known = new Map(CONTRACT.map(([method, path, operationId]) => [operationId, `${method} ${path}`]));
    const ids: string[] = [];
    for (const { method, path, op } of operationsOf(doc)) {
      if (!path.startsWith('/v2/')) continue;
      assert.equal(known.get(op.operationId ?? ''), `${method} ${path}`, `${method} ${path} (${op.operationId}) is not in the contract`);
      ids.push(op.operationId!);
    }
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, CONTRACT.length, `only ${ids.length} operations`);
  });

  it('requires the bearer token on every /v2 operation', () => {
    const global = doc.security ?? [];
    for (const { method, path, op } of operationsOf(doc)) {
      if (!path.startsWith('/v2/')) continue;
      const effective = op.security ?? global;
      assert.ok(effective.some((requirement) => 'bearerAuth' in requirement), `${method} ${path} does not require bearerAuth`);
    }
  });

  it('describes ErrorMessage as the contract does', () => {
    const schema = doc.components.schemas.ErrorMessage;
    assert.ok(schema, 'no ErrorMessage component');
    for (const name of ['status', 'code', 'message', 'messageTemplate', 'templateOptions', 'errors']) {
      assert.ok(schema.properties?.[name], `ErrorMessage has no ${name}`);
    }
    assert.deepEqual([...(schema.required ?? [])].sort(), ['code', 'message', 'status']);
  });

  it('keeps its own endpoints out of the document', () => {
    assert.equal(doc.paths['/openapi.json'], undefined);
    assert.equal(doc.paths['/health'], undefined);
  });
});
