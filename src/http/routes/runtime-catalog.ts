import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import { principal } from '../auth-hook.js';
import { errors } from '../schemas/common.js';
import { ResourceProfile, RuntimeEnvironment } from '../schemas/runtime-catalog.js';
import type { TypedApp } from './types.js';

/** What templates and versions may ask for: the built-in catalog or the operator's file. */
export function runtimeCatalogRoutes(app: TypedApp, services: Services): void {
  app.get('/v2/runtimeEnvironments', {
    schema: {
      operationId: 'listRuntimeEnvironments', tags: ['Runtime environments'],
      response: { 200: Type.Object({ availableRuntimes: Type.Array(RuntimeEnvironment) }), ...errors() },
    },
  }, async (request) => {
    principal(request);
    return { availableRuntimes: services.catalog.availableRuntimes };
  });

  app.get('/v2/resourceProfiles', {
    schema: {
      operationId: 'listResourceProfiles', tags: ['Runtime environments'],
      response: { 200: Type.Object({ availableResourceProfiles: Type.Array(ResourceProfile) }), ...errors() },
    },
  }, async (request) => {
    principal(request);
    return { availableResourceProfiles: services.catalog.availableResourceProfiles };
  });
}
