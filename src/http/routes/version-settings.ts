import { invalidState, validationError } from '../../domain/errors.js';
import type { LoggingConfiguration as Logging } from '../../domain/logging-configuration.js';
import { isEmptySchedule, schedulerConfigurationProblems } from '../../domain/scheduler-configuration.js';
import { runtimeKindOf } from '../../domain/runtime-catalog.js';
import type { Services } from '../../services.js';
import { findTemplateRuntime } from '../../store/templates.js';
import * as store from '../../store/versions.js';
import { principal } from '../auth-hook.js';
import { versionFromPath } from '../lookups.js';
import { errors } from '../schemas/common.js';
import { LoggingConfiguration, SchedulerConfiguration, VersionParams } from '../schemas/version.js';
import type { TypedApp } from './types.js';

const tags = ['Pipeline versions'];

/** Scheduler and logging configuration of a version: small documents with their own GET/PUT. */
export function versionSettingsRoutes(app: TypedApp, services: Services): void {
  app.get('/v2/pipelines/:pipelineId/versions/:versionId/scheduler-configuration', {
    schema: {
      operationId: 'getSchedulerConfiguration', tags, params: VersionParams,
      response: { 200: SchedulerConfiguration, ...errors(404) },
    },
  }, async (request) => {
    const { version } = await versionFromPath(services, principal(request), request.params);
    return version.schedulerConfiguration ?? {};
  });

  app.put('/v2/pipelines/:pipelineId/versions/:versionId/scheduler-configuration', {
    schema: {
      operationId: 'updateSchedulerConfiguration', tags, params: VersionParams, body: SchedulerConfiguration,
      response: { 200: SchedulerConfiguration, ...errors(400, 404) },
    },
  }, async (request) => {
    const { version } = await versionFromPath(services, principal(request), request.params);
    const problems = schedulerConfigurationProblems(request.body, '');
    const runtime = await findTemplateRuntime(services.db, version.pipelineTemplateId);
    if (runtime && runtimeKindOf(runtime) === 'stream' && !isEmptySchedule(request.body)) {
      problems.push({ field: '', message: 'a stream version runs continuously and takes no scheduler configuration', code: 'E1000' });
    }
    if (problems.length > 0) throw validationError(problems, `Validation failed: ${problems[0].message}`);
    const config = isEmptySchedule(request.body) ? null : request.body;
    const result = await store.setSchedulerConfigurationIfReady(services.db, version.id, config, services.now());
    if (!result.updated) {
      throw invalidState(`The scheduler configuration can only be changed in state ready; the version is ${result.state ?? 'gone'}.`);
    }
    return config ?? {};
  });

  app.get('/v2/pipelines/:pipelineId/versions/:versionId/logging-configuration', {
    schema: {
      operationId: 'getLoggingConfiguration', tags, params: VersionParams,
      response: { 200: LoggingConfiguration, ...errors(404) },
    },
  }, async (request) => {
    const { version } = await versionFromPath(services, principal(request), request.params);
    return version.loggingConfiguration;
  });

  app.put('/v2/pipelines/:pipelineId/versions/:versionId/logging-configuration', {
    schema: {
      operationId: 'updateLoggingConfiguration', tags, params: VersionParams, body: LoggingConfiguration,
      response: { 200: LoggingConfiguration, ...errors(400, 404) },
    },
  }, async (request) => {
    const { version } = await versionFromPath(services, principal(request), request.params);
    const config: Logging = {
      configuration: { loggers: { root: request.body.configuration.loggers.root, logger: request.body.configuration.loggers.logger ?? [] } },
    };
    await store.setLoggingConfiguration(services.db, version.id, config, services.now());
    // A running job of this version gets the new configuration written where it reads it.
    services.versionChanged(version.id);
    return config;
  });
}
