import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { clusterConfigurationProblems, withDefaults } from '../../domain/cluster-configuration.js';
import { fieldError, notFound, preconditionFailed, validationError, type FieldError } from '../../domain/errors.js';
import { hrnOf, idFromPath } from '../../domain/hrn.js';
import { propertiesProblems } from '../../domain/java-properties.js';
import { ownerOf } from '../../domain/owner.js';
import { DEFAULT_RUNTIME_ID, findRuntime } from '../../domain/runtime-catalog.js';
import type { Principal } from '../../auth/principal.js';
import type { Services } from '../../services.js';
import * as store from '../../store/templates.js';
import type { TemplateRow } from '../../store/schema.js';
import { principal } from '../auth-hook.js';
import type { LookupOptions } from '../lookups.js';
import { presentTemplate } from '../present.js';
import { serializeOnce } from '../serialize-once.js';
import { checkGroupForScope } from '../scope-rules.js';
import { errors, HrnResponse } from '../schemas/common.js';
import { Template, TemplateIdParams, TemplateInput, TemplateListQuery } from '../schemas/template.js';
import type { TypedApp } from './types.js';

const tags = ['Templates'];

/** `cached`: only for routes that only read (see LookupOptions). */
async function templateFromPath(services: Services, caller: Principal, pathId: string, options: LookupOptions = {}): Promise<TemplateRow> {
  const id = idFromPath('pipeline-template', caller.realm, pathId);
  const owner = ownerOf(caller);
  const row = !id ? undefined
    : options.cached ? await services.reads.template(owner, id)
    : await store.findTemplate(services.db, owner, id);
  if (!row) throw notFound('Pipeline template', pathId);
  return row;
}

/** Rules beyond the schema: a known runtime, its limits, distinct labels, properties limits. */
function checkTemplate(services: Services, input: TemplateInput) {
  const runtimeId = input.runtimeEnvironment ?? DEFAULT_RUNTIME_ID;
  const runtime = findRuntime(services.catalog, runtimeId);
  if (!runtime) {
    const offered = services.catalog.availableRuntimes.map((r) => r.id).join(', ');
    throw fieldError('/runtimeEnvironment', `unknown runtime environment "${runtimeId}" (offered: ${offered})`, runtimeId);
  }
  const cluster = withDefaults(runtime, input.defaultClusterConfiguration);
  const problems: FieldError[] = clusterConfigurationProblems(cluster, runtime, services.catalog, '/defaultClusterConfiguration');
  input.inputCatalogIds.forEach((label, index) => {
    if (input.inputCatalogIds.indexOf(label) !== index) {
      problems.push({ field: `/inputCatalogIds/${index}`, message: `duplicate input catalog id "${label}"`, invalidValue: label, code: 'E1000' });
    }
  });
  if (input.defaultRuntimeConfiguration !== undefined) {
    problems.push(...propertiesProblems(input.defaultRuntimeConfiguration, '/defaultRuntimeConfiguration'));
  }
  if (problems.length > 0) throw validationError(problems, `Validation failed: ${problems[0].field} ${problems[0].message}`);
  return { runtimeId, cluster };
}

export function templateRoutes(app: TypedApp, services: Services): void {
  const sendTemplate = serializeOnce();
  app.get('/v2/templates', {
    schema: {
      operationId: 'listPipelineTemplates', tags, querystring: TemplateListQuery,
      response: { 200: Type.Array(Type.Ref(Template)), ...errors(400) },
    },
  }, async (request) => {
    // linkable=true: only templates a version can use now, i.e. in state `created`.
    const rows = await store.listTemplates(services.db, ownerOf(principal(request)), {
      onlyCreated: request.query.linkable === 'true',
    });
    return rows.map(presentTemplate);
  });

  app.post('/v2/templates', {
    schema: {
      operationId: 'createPipelineTemplate', tags, body: TemplateInput,
      response: { 201: Type.Ref(Template), ...errors(400) },
    },
  }, async (request, reply) => {
    const caller = principal(request);
    checkGroupForScope(caller, request.body.groupId);
    const { runtimeId, cluster } = checkTemplate(services, request.body);
    const row = await store.insertTemplate(services.db, ownerOf(caller), {
      ...request.body,
      id: randomUUID(),
      runtimeEnvironment: runtimeId,
      defaultClusterConfiguration: cluster,
      created: services.now(),
    });
    services.templateCreated(row.id);
    return reply.status(201).send(presentTemplate(row));
  });

  app.get('/v2/templates/:templateId', {
    schema: { operationId: 'getPipelineTemplate', tags, params: TemplateIdParams, response: { 200: Type.Ref(Template), ...errors(404) } },
  }, async (request, reply) => {
    const row = await templateFromPath(services, principal(request), request.params.templateId, { cached: true });
    return sendTemplate(reply, row, () => presentTemplate(row));
  });

  app.delete('/v2/templates/:templateId', {
    schema: { operationId: 'deletePipelineTemplate', tags, params: TemplateIdParams, response: { 204: Type.Null(), ...errors(404, 412) } },
  }, async (request, reply) => {
    const row = await templateFromPath(services, principal(request), request.params.templateId);
    if ((await store.deleteTemplateUnlessUsed(services.db, row.id)) === 'used') {
      throw preconditionFailed(`Pipeline template ${row.id} is used by a pipeline version; delete those versions first.`);
    }
    return reply.status(204).send(null);
  });

  app.get('/v2/templates/:templateId/hrn', {
    schema: { operationId: 'getPipelineTemplateHrn', tags, params: TemplateIdParams, response: { 200: HrnResponse, ...errors(404) } },
  }, async (request) => {
    const row = await templateFromPath(services, principal(request), request.params.templateId);
    return { hrn: hrnOf('pipeline-template', row.realm, row.id) };
  });
}
