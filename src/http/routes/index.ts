import type { Services } from '../../services.js';
import { ErrorMessage } from '../schemas/common.js';
import { Pipeline } from '../schemas/pipeline.js';
import { pipelineRoutes } from './pipelines.js';
import type { TypedApp } from './types.js';

/** Shared schemas first (they are referenced by $id), then each resource's routes. */
export async function registerRoutes(app: TypedApp, services: Services): Promise<void> {
  for (const schema of [ErrorMessage, Pipeline]) app.addSchema(schema);
  pipelineRoutes(app, services);
}
