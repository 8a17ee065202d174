import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.js';
import { notFound } from '../../domain/errors.js';
import { isUuid } from '../../domain/hrn.js';
import { checkOperationRequest, type ActivateRequest } from '../../domain/operation-request.js';
import { runtimeKindOf } from '../../domain/runtime-catalog.js';
import { isEmptySchedule } from '../../domain/scheduler-configuration.js';
import { kindOf, type UserOperation, type VersionKind, type VersionState } from '../../domain/state-machine.js';
import { findVersionById } from '../../store/triggers.js';
import { findSnapshot } from '../../store/snapshots.js';
import { latestCheckpointOfPipeline } from '../../store/stream-world.js';
import type { Services } from '../../services.js';
import { acceptUserOperation, findOperation, listOperations } from '../../store/operations.js';
import type { PipelineVersionRow } from '../../store/schema.js';
import { findTemplateById } from '../../store/templates.js';
import { principal } from '../auth-hook.js';
import { versionFromPath } from '../lookups.js';
import { presentOperation } from '../present.js';
import { errors } from '../schemas/common.js';
import { JobCatalogVersions, Operation, OperationOptions, OperationParams, UpgradeRequest } from '../schemas/operation.js';
import { VersionParams } from '../schemas/version.js';
import type { TypedApp } from './types.js';

const tags = ['Operations'];

interface Submission {
  type: UserOperation;
  caller: Principal;
  version: PipelineVersionRow;
  body: Record<string, unknown>;
}

/** Default identity a job runs as: the caller, as an account HRN of the realm. */
const callerAccount = (caller: Principal) => `hrn:here:account::${caller.realm}:${caller.userId}`;

/** Checks a user operation against the version and its pipeline, stores it `accepted`, wakes the engine. */
async function submit(services: Services, { type, caller, version, body }: Submission) {
  const template = await findTemplateById(services.db, version.pipelineTemplateId);
  if (!template) throw notFound('Pipeline template', version.pipelineTemplateId);
  const runtime = runtimeKindOf(template.runtimeEnvironment) ?? 'batch';
  const restore = type === 'activate' && runtime === 'stream' ? await restoreOptions(services, version, body) : undefined;
  const upgrade = type === 'upgrade' ? await upgradeTargetOf(services, version, String(body.toVersionId)) : undefined;
  const now = services.now();
  const { highAvailability, runAsId, ...request } = body as { highAvailability?: boolean; runAsId?: string } & Record<string, unknown>;
  const row = await acceptUserOperation(services.db, {
    id: randomUUID(),
    realm: version.realm,
    pipelineId: version.pipelineId,
    versionId: version.id,
    requestType: type,
    userId: caller.userId,
    clientId: caller.clientId,
    runAsId: runAsId ?? version.runAsId ?? callerAccount(caller),
    options: highAvailability === undefined ? {} : { highAvailability },
    request,
    deadline: new Date(now.getTime() + services.config.engine.operationTimeoutMs),
    created: now,
  }, (activity) => {
    const current = activity.versions.find((v) => v.id === version.id);
    if (!current) throw notFound('Pipeline version', version.id);
    checkOperationRequest({
      type,
      version: {
        id: version.id,
        state: current.state as VersionState,
        runMode: current.runMode as VersionKind | null,
        hasSchedule: !isEmptySchedule(version.schedulerConfiguration),
        runtime,
        labels: Object.keys(version.inputCatalogs),
      },
      templateState: template.state,
      pipelineVersions: activity.versions.map((v) => ({ ...v, pending: activity.pendingVersionIds.includes(v.id) })),
      activate: type === 'activate' ? (request as ActivateRequest) : undefined,
      restore,
      upgrade,
    });
  });
  services.operationAccepted();
  return presentOperation(row);
}

/** Whether what a stream activation asks to start from exists for this pipeline. */
async function restoreOptions(services: Services, version: PipelineVersionRow, body: Record<string, unknown>) {
  const snapshotId = typeof body.snapshotId === 'string' ? body.snapshotId.toLowerCase() : undefined;
  const snapshot = snapshotId ? await findSnapshot(services.db, snapshotId) : undefined;
  return {
    snapshotOfPipeline: snapshot?.pipelineId === version.pipelineId,
    checkpointExists: body.useLatestCheckpoint === true && (await latestCheckpointOfPipeline(services.db, version.pipelineId)) !== null,
  };
}

/** The kind the upgrade target would run as, if it is a version of the same pipeline. */
async function upgradeTargetOf(services: Services, source: PipelineVersionRow, toVersionId: string) {
  const target = isUuid(toVersionId) ? await findVersionById(services.db, toVersionId.toLowerCase()) : undefined;
  if (!target || target.pipelineId !== source.pipelineId) return { toVersionId };
  const template = await findTemplateById(services.db, target.pipelineTemplateId);
  const runtime = runtimeKindOf(template?.runtimeEnvironment ?? '') ?? 'batch';
  return {
    toVersionId: target.id,
    target: { kind: kindOf(runtime, !isEmptySchedule(target.schedulerConfiguration), false), templateState: template?.state ?? 'creation_failed' },
  };
}

/** Operation bodies are optional: no body is an empty one, then validated like any other. */
const bodyOptional = async (request: FastifyRequest) => {
  if (request.body === undefined || request.body === null) request.body = {};
};

export function operationRoutes(app: TypedApp, services: Services): void {
  const accepted = { 202: Type.Ref(Operation), ...errors(400, 404) };

  app.post('/v2/pipelines/:pipelineId/versions/:versionId/operations/activate', {
    schema: { operationId: 'schedulePipelineVersion', tags, params: VersionParams, body: JobCatalogVersions, response: accepted },
    preValidation: bodyOptional,
  }, async (request, reply) => {
    const caller = principal(request);
    const { version } = await versionFromPath(services, caller, request.params);
    const body = (request.body ?? {}) as Record<string, unknown>;
    return reply.status(202).send(await submit(services, { type: 'activate', caller, version, body }));
  });

  app.post('/v2/pipelines/:pipelineId/versions/:versionId/operations/upgrade', {
    schema: { operationId: 'upgradePipelineVersion', tags, params: VersionParams, body: UpgradeRequest, response: accepted },
  }, async (request, reply) => {
    const caller = principal(request);
    const { version } = await versionFromPath(services, caller, request.params);
    return reply.status(202).send(await submit(services, { type: 'upgrade', caller, version, body: request.body as Record<string, unknown> }));
  });

  const simple = [
    ['cancel', 'cancelPipelineVersion'],
    ['deactivate', 'deactivatePipelineVersion'],
    ['pause', 'pausePipelineVersion'],
    ['resume', 'resumePipeline'],
  ] as const;
  for (const [type, operationId] of simple) {
    app.post(`/v2/pipelines/:pipelineId/versions/:versionId/operations/${type}`, {
      schema: { operationId, tags, params: VersionParams, body: OperationOptions, response: accepted },
      preValidation: bodyOptional,
    }, async (request, reply) => {
      const caller = principal(request);
      const { version } = await versionFromPath(services, caller, request.params);
      return reply.status(202).send(await submit(services, { type, caller, version, body: (request.body ?? {}) as Record<string, unknown> }));
    });
  }

  app.get('/v2/pipelines/:pipelineId/versions/:versionId/operations', {
    schema: { operationId: 'listOperations', tags, params: VersionParams, response: { 200: Type.Array(Type.Ref(Operation)), ...errors(404) } },
  }, async (request) => {
    const { version } = await versionFromPath(services, principal(request), request.params, { cached: true });
    return (await listOperations(services.db, version.id)).map(presentOperation);
  });

  app.get('/v2/pipelines/:pipelineId/versions/:versionId/operations/:operationId', {
    schema: { operationId: 'getPipelineVersionOperation', tags, params: OperationParams, response: { 200: Type.Ref(Operation), ...errors(404) } },
  }, async (request) => {
    const { version } = await versionFromPath(services, principal(request), request.params, { cached: true });
    const id = request.params.operationId;
    const row = isUuid(id) ? await findOperation(services.db, version.id, id.toLowerCase()) : undefined;
    if (!row) throw notFound('Operation', id);
    return presentOperation(row);
  });
}
