import { isEmptySchedule } from '../domain/scheduler-configuration.js';
import type { Observation, ProcessStatus } from '../domain/reconcile-types.js';
import { runtimeKindOf } from '../domain/runtime-catalog.js';
import { kindOf, type UserOperation, type VersionKind, type VersionState } from '../domain/state-machine.js';
import type { JobRow } from '../store/schema.js';
import type { VersionWorld } from '../store/version-world.js';
import type { JobLocation } from '../runtimes/runtime.js';

/** Does an activate request pin catalog versions (a one-time run-now)? */
export function pinsCatalogVersions(request: Record<string, unknown>): boolean {
  return request.inputCatalogs !== undefined || request.outputCatalog !== undefined;
}

export const locationOf = (job: JobRow): JobLocation => ({
  jobId: job.id,
  workDir: job.workDir,
  pid: job.pid,
  processStart: job.processStart,
});

/** Turns stored rows and what the runtime saw into the plain data `decide` reads. */
export function toObservation(world: VersionWorld, now: Date, process?: ProcessStatus, logTail?: string): Observation {
  const { version, template, operation, job } = world;
  const runtimeKind = runtimeKindOf(template.runtimeEnvironment) ?? 'batch';
  return {
    now,
    version: {
      id: version.id,
      state: version.state as VersionState,
      runMode: version.runMode as VersionKind | null,
      kindWithoutPins: kindOf(runtimeKind, !isEmptySchedule(version.schedulerConfiguration), false),
      hasResolverSchedule: version.schedulerConfiguration?.catalogTriggerOptions === 'version_resolver',
      afterJob: version.afterJob as 'ready' | 'upgrade' | null,
      upgradeTargetId: version.upgradeTarget,
    },
    templateCreated: template.state === 'created',
    otherVersionActive: world.otherVersionActive,
    operation: operation && {
      id: operation.id,
      type: operation.requestType as UserOperation,
      deadline: operation.deadline ?? new Date(8.64e15),
      pinsCatalogVersions: pinsCatalogVersions(operation.request),
      toVersionId: typeof operation.request.toVersionId === 'string' ? operation.request.toVersionId : undefined,
    },
    job: job && {
      id: job.id,
      state: job.state as 'starting' | 'running',
      launched: job.pid !== null,
      stopRequested: job.stopRequested as 'cancel' | null,
      stopDeadline: job.stopDeadline,
      startDeadline: job.startDeadline,
    },
    process,
    logTail,
  };
}
