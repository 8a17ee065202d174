import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { catalogLabelProblems } from '../../domain/catalog-labels.js';
import { clusterConfigurationProblems, withDefaults } from '../../domain/cluster-configuration.js';
import { fieldError, notFound, preconditionFailed, validationError, type FieldError } from '../../domain/errors.js';
import { propertiesProblems } from '../../domain/java-properties.js';
import { DEFAULT_LOGGING } from '../../domain/logging-configuration.js';
import { ownerOf } from '../../domain/owner.js';
import { findRuntime, runtimeKindOf } from '../../domain/runtime-catalog.js';
import { isEmptySchedule, schedulerConfigurationProblems } from '../../domain/scheduler-configuration.js';
import { streamConfigurationProblems } from '../../domain/stream-configuration.js';
import type { Services } from '../../services.js';
import type { PipelineVersionRow, TemplateRow } from '../../store/schema.js';
import { findTemplate } from '../../store/templates.js';
import * as store from '../../store/versions.js';
import { principal } from '../auth-hook.js';
import { pipelineFromPath, versionFromPath } from '../lookups.js';
import { presentJob, presentOperation, presentVersion } from '../present.js';
import { serializeOnce } from '../serialize-once.js';
import { latestJobs } from '../../store/jobs.js';
import { latestOperations } from '../../store/operations.js';
import { baseUrlOf } from '../base-url.js';
import { errors, PipelineIdParams } from '../schemas/common.js';
import { PipelineVersion, PipelineVersionInput, VerboseQuery, VersionParams } from '../schemas/version.js';
import type { TypedApp } from './types.js';

const tags = ['Pipeline versions'];

/** Everything about a new version that the schema cannot see: it needs its template and runtime. */
function checkVersion(services: Services, input: PipelineVersionInput, template: TemplateRow) {
  const runtime = findRuntime(services.catalog, template.runtimeEnvironment);
  if (!runtime) {
    throw fieldError('/pipelineTemplateId', `the template's runtime environment ${template.runtimeEnvironment} is no longer offered`, input.pipelineTemplateId);
  }
  const cluster = withDefaults(runtime, template.defaultClusterConfiguration, input.clusterConfiguration);
  const problems: FieldError[] = [
    ...catalogLabelProblems(input.inputCatalogs, template.inputCatalogIds, '/inputCatalogs'),
    ...clusterConfigurationProblems(cluster, runtime, services.catalog, '/clusterConfiguration'),
  ];
  if (input.customRuntimeConfiguration !== undefined) {
    problems.push(...propertiesProblems(input.customRuntimeConfiguration, '/customRuntimeConfiguration'));
  }
  const kind = runtimeKindOf(runtime.id);
  if (input.schedulerConfiguration) {
    if (kind === 'stream' && !isEmptySchedule(input.schedulerConfiguration)) {
      problems.push({ field: '/schedulerConfiguration', message: 'a stream version runs continuously and takes no scheduler configuration', code: 'E1000' });
    } else {
      problems.push(...schedulerConfigurationProblems(input.schedulerConfiguration, '/schedulerConfiguration'));
    }
  }
  if (input.streamConfiguration) {
    if (kind !== 'stream') {
      problems.push({ field: '/streamConfiguration', message: 'only a stream version takes a stream configuration', code: 'E1000' });
    } else {
      problems.push(...streamConfigurationProblems(input.streamConfiguration, '/streamConfiguration'));
    }
  }
  if (problems.length > 0) throw validationError(problems, `Validation failed: ${problems[0].field} ${problems[0].message}`);
  return cluster;
}

/** `verbose=true`: each version with its latest operation and latest job. */
async function presentVerbose(services: Services, rows: PipelineVersionRow[], baseUrl: string) {
  const ids = rows.map((row) => row.id);
  const [operations, jobs] = await Promise.all([latestOperations(services.db, ids), latestJobs(services.db, ids)]);
  return rows.map((row) => {
    const operation = operations.get(row.id);
    const job = jobs.get(row.id);
    return {
      ...presentVersion(row, services.config.region, baseUrl),
      latestOperation: operation ? presentOperation(operation) : undefined,
      latestJob: job ? presentJob(job, services.config.region, baseUrl) : undefined,
    };
  });
}

export function versionRoutes(app: TypedApp, services: Services): void {
  const region = services.config.region;
  const sendVersion = serializeOnce();

  app.get('/v2/pipelines/:pipelineId/versions', {
    schema: {
      operationId: 'listPipelineVersions', tags, params: PipelineIdParams, querystring: VerboseQuery,
      response: { 200: Type.Array(Type.Ref(PipelineVersion)), ...errors(400, 404) },
    },
  }, async (request) => {
    const pipeline = await pipelineFromPath(services, principal(request), request.params.pipelineId);
    const rows = await store.listVersions(services.db, pipeline.id);
    const base = baseUrlOf(services, request);
    if (request.query.verbose !== 'true') return rows.map((row) => presentVersion(row, region, base));
    return presentVerbose(services, rows, base);
  });

  app.post('/v2/pipelines/:pipelineId/versions', {
    schema: {
      operationId: 'createPipelineVersion', tags, params: PipelineIdParams, body: PipelineVersionInput,
      response: { 201: Type.Ref(PipelineVersion), ...errors(400, 404) },
    },
  }, async (request, reply) => {
    const caller = principal(request);
    const pipeline = await pipelineFromPath(services, caller, request.params.pipelineId);
    const input = request.body;
    const template = await findTemplate(services.db, ownerOf(caller), input.pipelineTemplateId);
    if (!template) throw fieldError('/pipelineTemplateId', `pipeline template ${input.pipelineTemplateId} does not exist`, input.pipelineTemplateId);
    const cluster = checkVersion(services, input, template);
    const row = await store.insertVersion(services.db, {
      id: randomUUID(),
      realm: pipeline.realm,
      pipelineId: pipeline.id,
      name: input.name,
      pipelineTemplateId: template.id,
      inputCatalogs: input.inputCatalogs,
      outputCatalogHrn: input.outputCatalogHRN,
      schedulerConfiguration: isEmptySchedule(input.schedulerConfiguration) ? undefined : input.schedulerConfiguration,
      clusterConfiguration: cluster,
      customRuntimeConfiguration: input.customRuntimeConfiguration,
      streamConfiguration: input.streamConfiguration,
      loggingConfiguration: DEFAULT_LOGGING,
      runAsId: input.runAsId,
      billingTag: input.billingTag,
      multiRegionEnabled: input.multiRegionEnabled ?? false,
      created: services.now(),
    });
    if (!row) throw notFound('Pipeline', request.params.pipelineId);
    return reply.status(201).send(presentVersion(row, region, baseUrlOf(services, request)));
  });

  app.get('/v2/pipelines/:pipelineId/versions/:versionId', {
    schema: {
      operationId: 'getPipelineVersion', tags, params: VersionParams, querystring: VerboseQuery,
      response: { 200: Type.Ref(PipelineVersion), ...errors(400, 404) },
    },
  }, async (request, reply) => {
    // verbose=true reads operations and jobs too, uncached: its version row is read fresh with them.
    const verbose = request.query.verbose === 'true';
    const { version } = await versionFromPath(services, principal(request), request.params, { cached: !verbose });
    const base = baseUrlOf(services, request);
    if (!verbose) return sendVersion(reply, version, () => presentVersion(version, region, base), base);
    return (await presentVerbose(services, [version], base))[0];
  });

  app.delete('/v2/pipelines/:pipelineId/versions/:versionId', {
    schema: { operationId: 'deletePipelineVersion', tags, params: VersionParams, response: { 204: Type.Null(), ...errors(404, 412) } },
  }, async (request, reply) => {
    const { version } = await versionFromPath(services, principal(request), request.params);
    const outcome = await store.deleteVersionIfReady(services.db, version.id);
    if (outcome === 'gone') throw notFound('Pipeline version', request.params.versionId);
    if (outcome === 'active') {
      throw preconditionFailed(`Pipeline version ${version.id} is not ready; cancel or deactivate it before deleting it.`);
    }
    if (outcome === 'pending') {
      throw preconditionFailed(`Pipeline version ${version.id} has an operation in flight; wait until it has finished.`);
    }
    return reply.status(204).send(null);
  });
}
