import { hrnOf } from '../domain/hrn.js';
import { versionPagePath } from './console/paths.js';
import type { OperationRow, PipelineRow, PipelineVersionRow, TemplateRow } from '../store/schema.js';
import type { PresentedJobRow } from '../store/jobs.js';
import type { Job, Operation } from './schemas/operation.js';
import type { PipelineVersion } from './schemas/version.js';
import type { Template } from './schemas/template.js';
import type { Pipeline } from './schemas/pipeline.js';

/** Row → wire shapes. Absent optional values are left out rather than sent as null. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) {
    if (value[key] === null || value[key] === undefined) delete value[key];
  }
  return value;
}

export const iso = (date: Date | string) => (date instanceof Date ? date : new Date(date)).toISOString();

/** `homeStatus` of a project-homed row: 1 means the project link is active (documented in README). */
const HOME_ACTIVE = 1;

export function presentPipeline(row: PipelineRow): Pipeline {
  return compact({
    id: row.id,
    name: row.name,
    description: row.description ?? undefined,
    realm: row.realm,
    groupId: row.groupId ?? undefined,
    hrn: hrnOf('pipeline', row.realm, row.id),
    contactEmail: row.contactEmail ?? undefined,
    home: row.home ?? undefined,
    homeStatus: row.home ? HOME_ACTIVE : undefined,
    created: iso(row.created),
    updated: iso(row.updated),
  });
}

export function presentTemplate(row: TemplateRow): Template {
  return compact({
    id: row.id,
    name: row.name,
    state: row.state as Template['state'],
    stateMessage: row.stateMessage ?? undefined,
    runtimeEnvironment: row.runtimeEnvironment,
    packageId: row.packageId,
    entryPointClassName: row.entryPointClassName,
    groupId: row.groupId ?? undefined,
    hrn: hrnOf('pipeline-template', row.realm, row.id),
    defaultClusterConfiguration: row.defaultClusterConfiguration,
    inputCatalogIds: row.inputCatalogIds,
    description: row.description ?? undefined,
    defaultRuntimeConfiguration: row.defaultRuntimeConfiguration ?? undefined,
    realm: row.realm,
    created: iso(row.created),
    updated: iso(row.updated),
  });
}

/** What a version's presentation depends on besides its row. */
export interface VersionContext {
  region: string;
  /** Where the service is reached (see base-url.ts): `pipelineUIUrl` is the console's page of the version. */
  baseUrl: string;
}

export function presentVersion(row: PipelineVersionRow, { region, baseUrl }: VersionContext): PipelineVersion {
  return compact({
    id: row.id,
    pipelineId: row.pipelineId,
    name: row.name,
    state: row.state as PipelineVersion['state'],
    pipelineTemplateId: row.pipelineTemplateId,
    inputCatalogs: row.inputCatalogs,
    outputCatalogHRN: row.outputCatalogHrn,
    schedulerConfiguration: row.schedulerConfiguration ?? undefined,
    nextJobAttempt: row.nextJobAttempt ? iso(row.nextJobAttempt) : undefined,
    versionNumber: row.versionNumber,
    clusterConfiguration: row.clusterConfiguration,
    customRuntimeConfiguration: row.customRuntimeConfiguration ?? undefined,
    streamConfiguration: row.streamConfiguration ?? undefined,
    runAsId: row.runAsId ?? undefined,
    billingTag: row.billingTag ?? undefined,
    loggingUrl: `${baseUrl}/sluice/v1/pipelines/${row.pipelineId}/versions/${row.id}/log`,
    multiRegionEnabled: row.multiRegionEnabled,
    targetRegionId: region,
    pipelineUIUrl: baseUrl + versionPagePath(row.pipelineId, row.id),
    created: iso(row.created),
    updated: iso(row.updated),
  });
}

export function presentOperation(row: OperationRow): Operation {
  const options = row.options ?? {};
  return compact({
    id: row.id,
    pipelineVersionId: row.versionId,
    requestType: row.requestType as Operation['requestType'],
    state: row.state as Operation['state'],
    message: row.message ?? undefined,
    userId: row.userId,
    clientId: row.clientId ?? undefined,
    runAsId: row.runAsId ?? undefined,
    created: iso(row.created),
    options: Object.keys(options).length > 0 ? options : undefined,
  });
}

/** `baseUrl` is where this service is reached (SLUICE_PUBLIC_URL, or the request's own host). */
export function presentJob(row: PresentedJobRow, region: string, baseUrl: string): Job {
  return compact({
    id: row.id,
    state: row.state as Job['state'],
    catalogVersions: (row.catalogVersions as Job['catalogVersions']) ?? undefined,
    created: iso(row.created),
    updated: iso(row.updated),
    runAsId: row.runAsId ?? undefined,
    loggingUrl: `${baseUrl}/sluice/v1/jobs/${row.id}/log`,
    executionMode: row.executionMode as Job['executionMode'],
    highAvailability: row.highAvailability,
    actualRegionId: region,
    pipelineVersionId: row.versionId,
  });
}
