import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { fieldError, preconditionFailed } from '../../domain/errors.js';
import { hrnOf } from '../../domain/hrn.js';
import { ownerOf } from '../../domain/owner.js';
import type { Services } from '../../services.js';
import * as store from '../../store/pipelines.js';
import { principal } from '../auth-hook.js';
import { pipelineFromPath } from '../lookups.js';
import { presentPipeline } from '../present.js';
import { serializeOnce } from '../serialize-once.js';
import { checkGroupForScope } from '../scope-rules.js';
import { errors, HrnResponse, PipelineIdParams } from '../schemas/common.js';
import { Pipeline, PipelineInput } from '../schemas/pipeline.js';
import type { TypedApp } from './types.js';

const tags = ['Pipelines'];

export function pipelineRoutes(app: TypedApp, services: Services): void {
  const sendPipeline = serializeOnce();
  app.get('/v2/pipelines', {
    schema: { operationId: 'listPipelines', tags, response: { 200: Type.Array(Type.Ref(Pipeline)), ...errors() } },
  }, async (request) => {
    const rows = await store.listPipelines(services.db, ownerOf(principal(request)));
    return rows.map(presentPipeline);
  });

  app.post('/v2/pipelines', {
    schema: { operationId: 'createPipeline', tags, body: PipelineInput, response: { 201: Type.Ref(Pipeline), ...errors(400) } },
  }, async (request, reply) => {
    const caller = principal(request);
    checkGroupForScope(caller, request.body.groupId);
    const row = await store.insertPipeline(services.db, ownerOf(caller), {
      ...request.body,
      id: randomUUID(),
      created: services.now(),
    });
    return reply.status(201).send(presentPipeline(row));
  });

  app.get('/v2/pipelines/:pipelineId', {
    schema: { operationId: 'getPipeline', tags, params: PipelineIdParams, response: { 200: Type.Ref(Pipeline), ...errors(404) } },
  }, async (request, reply) => {
    const row = await pipelineFromPath(services, principal(request), request.params.pipelineId, { cached: true });
    return sendPipeline(reply, row, () => presentPipeline(row));
  });

  app.put('/v2/pipelines/:pipelineId', {
    schema: {
      operationId: 'updatePipeline', tags, params: PipelineIdParams, body: PipelineInput,
      response: { 200: Type.Ref(Pipeline), ...errors(400, 404) },
    },
  }, async (request) => {
    const existing = await pipelineFromPath(services, principal(request), request.params.pipelineId);
    const { groupId } = request.body;
    if (groupId !== undefined && groupId !== existing.groupId) {
      throw fieldError('/groupId', 'cannot be changed once the pipeline exists', groupId);
    }
    const row = await store.updatePipeline(services.db, existing.id, {
      name: request.body.name,
      description: request.body.description ?? null,
      contactEmail: request.body.contactEmail ?? null,
      updated: services.now(),
    });
    return presentPipeline(row);
  });

  app.delete('/v2/pipelines/:pipelineId', {
    schema: {
      operationId: 'deletePipeline', tags, params: PipelineIdParams,
      response: { 204: Type.Null(), ...errors(404, 412) },
    },
  }, async (request, reply) => {
    const existing = await pipelineFromPath(services, principal(request), request.params.pipelineId);
    const outcome = await store.deletePipelineUnlessActive(services.db, existing.id);
    if (outcome === 'active') {
      throw preconditionFailed(`Pipeline ${existing.id} has an active version; cancel or deactivate it first.`);
    }
    return reply.status(204).send(null);
  });

  app.get('/v2/pipelines/:pipelineId/hrn', {
    schema: { operationId: 'getPipelineHrn', tags, params: PipelineIdParams, response: { 200: HrnResponse, ...errors(404) } },
  }, async (request) => {
    const row = await pipelineFromPath(services, principal(request), request.params.pipelineId);
    return { hrn: hrnOf('pipeline', row.realm, row.id) };
  });
}
