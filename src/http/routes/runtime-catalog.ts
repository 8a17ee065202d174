import type { Services } from '../../services.js';
import { errors } from '../schemas/common.js';
import { ResourceProfileList, RuntimeEnvironmentList } from '../schemas/runtime-catalog.js';
import type { TypedApp } from './types.js';

const tags = ['Runtime environments'];

/** The catalog is the same for every realm: it describes what this installation can run. */
export function runtimeCatalogRoutes(app: TypedApp, services: Services): void {
  app.get('/v2/runtimeEnvironments', {
    schema: { operationId: 'listRuntimeEnvironments', tags, response: { 200: RuntimeEnvironmentList, ...errors() } },
  }, async () => ({ availableRuntimes: services.catalog.availableRuntimes }));

  app.get('/v2/resourceProfiles', {
    schema: { operationId: 'listResourceProfiles', tags, response: { 200: ResourceProfileList, ...errors() } },
  }, async () => ({ availableResourceProfiles: services.catalog.availableResourceProfiles }));
}
