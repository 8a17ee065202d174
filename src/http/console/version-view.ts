import path from 'node:path';
import type { Principal } from '../../auth/principal.js';
import { ownerOf } from '../../domain/owner.js';
import { runtimeKindOf } from '../../domain/runtime-catalog.js';
import { isEmptySchedule } from '../../domain/scheduler-configuration.js';
import type { Services } from '../../services.js';
import { recentJobsOfVersion, recentOperationsOfVersion, snapshotsOfVersion } from '../../store/console-reads.js';
import { latestCheckpointOfPipeline } from '../../store/stream-world.js';
import { recentDecisions } from '../../store/trigger-decisions.js';
import { versionFromPath } from '../lookups.js';
import { iso, presentOperation, presentVersion } from '../present.js';

/** How much history the version page shows; the API's own lists have all of it. */
const RECENT_JOBS = 50;
const RECENT_OPERATIONS = 50;
const RECENT_DECISIONS = 20;
const RECENT_SNAPSHOTS = 20;
/** Versions offered as upgrade targets. */
const SIBLINGS = 200;

const optionalIso = (date: Date | null) => (date ? iso(date) : undefined);

/**
 * Everything the version page shows, read in one go: the version (as `/v2` presents it), its
 * pipeline and template, recent operations (the timeline), jobs with how they ended, trigger
 * decisions, snapshots, the pipeline's latest checkpoint, and the pipeline's other versions
 * (upgrade targets). Read fresh, not from the read cache: the page is about what just changed.
 */
export async function versionView(services: Services, caller: Principal, params: { pipelineId: string; versionId: string }, baseUrl: string) {
  const { version } = await versionFromPath(services, caller, params);
  const owner = ownerOf(caller);
  const context = { region: services.config.region, baseUrl };
  const [pipeline, template, operations, jobs, decisions, snapshots, checkpoint, siblings] = await Promise.all([
    services.reads.pipeline(owner, version.pipelineId),
    services.reads.template(owner, version.pipelineTemplateId),
    recentOperationsOfVersion(services.db, version.id, RECENT_OPERATIONS),
    recentJobsOfVersion(services.db, version.id, RECENT_JOBS),
    recentDecisions(services.db, version.id, RECENT_DECISIONS),
    snapshotsOfVersion(services.db, version.id, RECENT_SNAPSHOTS),
    latestCheckpointOfPipeline(services.db, version.pipelineId),
    services.reads.versionLists.page(owner, version.pipelineId, { limit: SIBLINGS }),
  ]);
  const runtime = template ? runtimeKindOf(template.runtimeEnvironment) : undefined;
  return {
    version: { ...presentVersion(version, context), loggingConfiguration: version.loggingConfiguration },
    kind: runtime === 'stream' ? 'stream' : isEmptySchedule(version.schedulerConfiguration) ? 'run-now' : 'scheduled',
    pipeline: pipeline && { id: pipeline.id, name: pipeline.name },
    template: template && {
      id: template.id, name: template.name, state: template.state, runtimeEnvironment: template.runtimeEnvironment, inputCatalogIds: template.inputCatalogIds,
    },
    operations: operations.map((row) => ({ ...presentOperation(row), updated: iso(row.updated), request: row.request })),
    jobs: jobs.map((row) => ({
      id: row.id,
      state: row.state,
      message: row.message ?? undefined,
      exitCode: row.exitCode ?? undefined,
      attempt: row.attempt,
      highAvailability: row.highAvailability,
      catalogVersions: row.catalogVersions ?? undefined,
      created: iso(row.created),
      ended: optionalIso(row.ended),
      latestCheckpoint: row.latestCheckpoint ? path.basename(row.latestCheckpoint) : undefined,
      restoredFrom: row.restoreSource ?? undefined,
      logRemoved: optionalIso(row.folderRemoved),
    })),
    decisions: decisions.map((row) => ({
      at: iso(row.at), trigger: row.trigger, decision: row.decision, reason: row.reason, jobId: row.jobId ?? undefined,
      observed: row.observed, evaluations: row.evaluations, lastEvaluated: iso(row.lastEvaluated ?? row.at),
    })),
    snapshots: snapshots.map((row) => ({ id: row.id, jobId: row.jobId, reason: row.reason, created: iso(row.created) })),
    latestCheckpoint: checkpoint ? { jobId: checkpoint.jobId, name: checkpoint.name } : undefined,
    siblings: (siblings?.rows ?? []).filter((row) => row.id !== version.id)
      .map((row) => ({ id: row.id, name: row.name, versionNumber: row.versionNumber, state: row.state })),
  };
}
