import type { Services } from '../../services.js';
import { ErrorMessage } from '../schemas/common.js';
import { AuditLogEntry, EgressRule } from '../schemas/egress-rule.js';
import { Pipeline } from '../schemas/pipeline.js';
import { ResourceProfile, RuntimeEnvironment } from '../schemas/runtime-catalog.js';
import { egressRuleRoutes } from './egress-rules.js';
import { pipelineRoutes } from './pipelines.js';
import { runtimeCatalogRoutes } from './runtime-catalog.js';
import type { TypedApp } from './types.js';

/** Shared schemas first (they are referenced by $id), then each resource's routes. */
export async function registerRoutes(app: TypedApp, services: Services): Promise<void> {
  for (const schema of [ErrorMessage, Pipeline]) app.addSchema(schema);
  for (const schema of [EgressRule, AuditLogEntry, RuntimeEnvironment, ResourceProfile]) app.addSchema(schema);
  pipelineRoutes(app, services);
  runtimeCatalogRoutes(app, services);
  egressRuleRoutes(app, services);
}
