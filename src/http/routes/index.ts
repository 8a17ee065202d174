import type { Services } from '../../services.js';
import { ErrorMessage } from '../schemas/common.js';
import { Pipeline } from '../schemas/pipeline.js';
import { ClusterConfiguration } from '../schemas/cluster-configuration.js';
import { Package } from '../schemas/package.js';
import { Template } from '../schemas/template.js';
import { packageRoutes } from './packages.js';
import { pipelineRoutes } from './pipelines.js';
import { templateRoutes } from './templates.js';
import { lifecycleRoutes } from './lifecycle.js';
import { versionRoutes } from './versions.js';
import { versionSettingsRoutes } from './version-settings.js';
import { runtimeCatalogRoutes } from './runtime-catalog.js';
import { PipelineVersion } from '../schemas/version.js';
import type { TypedApp } from './types.js';

/** Shared schemas first (they are referenced by $id), then each resource's routes. */
export async function registerRoutes(app: TypedApp, services: Services): Promise<void> {
  for (const schema of [ErrorMessage, ClusterConfiguration, Package, Pipeline, PipelineVersion, Template]) app.addSchema(schema);
  packageRoutes(app, services);
  templateRoutes(app, services);
  pipelineRoutes(app, services);
  versionRoutes(app, services);
  versionSettingsRoutes(app, services);
  lifecycleRoutes(app, services);
  runtimeCatalogRoutes(app, services);
}
