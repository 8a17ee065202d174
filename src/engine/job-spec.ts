import { mergeProperties } from '../domain/java-properties.js';
import { runtimeKindOf } from '../domain/runtime-catalog.js';
import type { JobRow } from '../store/schema.js';
import type { VersionWorld } from '../store/version-world.js';
import type { JobSpec, PinnedCatalogVersions } from '../runtimes/runtime.js';

/** What a runtime needs to start a job (files' contents, JAR, entry point, resources), from the version's world. */
export function buildJobSpec(world: VersionWorld, job: JobRow): JobSpec {
  const { version, template } = world;
  if (!template.packagePath) throw new Error(`The package ${template.packageId} of the template no longer exists.`);
  return {
    jobId: job.id,
    realm: version.realm,
    pipelineId: version.pipelineId,
    versionId: version.id,
    runtimeEnvironment: template.runtimeEnvironment,
    kind: runtimeKindOf(template.runtimeEnvironment) ?? 'batch',
    jarPath: template.packagePath,
    packageId: template.packageId,
    entryPointClassName: template.entryPointClassName,
    inputCatalogs: version.inputCatalogs,
    outputCatalogHrn: version.outputCatalogHrn,
    billingTag: version.billingTag ?? undefined,
    catalogVersions: (job.catalogVersions as PinnedCatalogVersions | null) ?? undefined,
    applicationProperties: mergeProperties(template.defaultRuntimeConfiguration, version.customRuntimeConfiguration),
    logging: version.loggingConfiguration,
    cluster: version.clusterConfiguration,
    attempt: job.attempt,
    restoreLocation: job.restoreLocation ?? undefined,
  };
}

/** The catalog versions an activate request pinned, as stored on the job (JobCatalogVersions). */
export function pinnedVersionsOf(request: Record<string, unknown>): PinnedCatalogVersions | null {
  if (request.inputCatalogs === undefined && request.outputCatalog === undefined) return null;
  return {
    inputCatalogs: (request.inputCatalogs ?? {}) as PinnedCatalogVersions['inputCatalogs'],
    outputCatalog: (request.outputCatalog ?? { baseVersion: -1 }) as PinnedCatalogVersions['outputCatalog'],
  };
}
