import type { Services } from '../../services.js';
import { ClusterConfiguration } from '../schemas/cluster-configuration.js';
import { ErrorMessage } from '../schemas/common.js';
import { Job, Operation } from '../schemas/operation.js';
import { AuditLogEntry, EgressRule } from '../schemas/egress-rule.js';
import { Package } from '../schemas/package.js';
import { Pipeline } from '../schemas/pipeline.js';
import { ResourceProfile, RuntimeEnvironment } from '../schemas/runtime-catalog.js';
import { Template } from '../schemas/template.js';
import { PipelineVersion } from '../schemas/version.js';
import { apiLookupRoutes } from './api-lookup.js';
import { appRoutes } from './apps.js';
import { catalogRoutes } from './catalogs.js';
import { oauthTokenRoutes } from './oauth-token.js';
import { packageReadRoutes } from './package-reads.js';
import { AccessKey, App } from '../schemas/app.js';
import { egressRuleRoutes } from './egress-rules.js';
import { eventRoutes } from './events.js';
import { webhookRoutes } from './webhooks.js';
import { Webhook, WebhookDelivery } from '../schemas/webhook.js';
import { CloudEvent, EventPage } from '../schemas/event.js';
import { jobRoutes } from './jobs.js';
import { jobLogRoutes } from './job-logs.js';
import { jobFileRoutes } from './job-files.js';
import { snapshotRoutes } from './snapshots.js';
import { Snapshot } from '../schemas/snapshot.js';
import { operationRoutes } from './operations.js';
import { packageRoutes } from './packages.js';
import { pipelineRoutes } from './pipelines.js';
import { runtimeCatalogRoutes } from './runtime-catalog.js';
import { templateRoutes } from './templates.js';
import { versionRoutes } from './versions.js';
import { versionSettingsRoutes } from './version-settings.js';
import type { TypedApp } from './types.js';

/** Shared schemas first (they are referenced by $id), then each resource's routes. */
export async function registerRoutes(app: TypedApp, services: Services): Promise<void> {
  const shared = [
    ErrorMessage, ClusterConfiguration, Package, Pipeline, PipelineVersion, Template,
    Operation, Job, Snapshot, EgressRule, AuditLogEntry, RuntimeEnvironment, ResourceProfile, App, AccessKey,
    CloudEvent, EventPage,
    Webhook, WebhookDelivery,
  ];
  for (const schema of shared) app.addSchema(schema);
  packageRoutes(app, services);
  templateRoutes(app, services);
  pipelineRoutes(app, services);
  versionRoutes(app, services);
  versionSettingsRoutes(app, services);
  operationRoutes(app, services);
  jobRoutes(app, services);
  jobLogRoutes(app, services);
  jobFileRoutes(app, services);
  snapshotRoutes(app, services);
  runtimeCatalogRoutes(app, services);
  egressRuleRoutes(app, services);
  catalogRoutes(app, services);
  packageReadRoutes(app, services);
  appRoutes(app, services);
  apiLookupRoutes(app, services);
  // Its own plugin scope: the form-body parser it adds must not reach other routes.
  await app.register(async (scope) => oauthTokenRoutes(scope, services));
  eventRoutes(app, services);
  webhookRoutes(app, services);
}
