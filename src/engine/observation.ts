import { isEmptySchedule } from '../domain/scheduler-configuration.js';
import type { Observation, Restore, StopReason } from '../domain/reconcile-types.js';
import { runtimeKindOf } from '../domain/runtime-catalog.js';
import { kindOf, type UserOperation, type VersionKind, type VersionState } from '../domain/state-machine.js';
import type { VersionWorld } from '../store/version-world.js';
import type { StreamWorld } from '../store/stream-world.js';
import type { Seen } from './observer.js';

/** Does an activate request pin catalog versions (a one-time run-now)? */
export function pinsCatalogVersions(request: Record<string, unknown>): boolean {
  return request.inputCatalogs !== undefined || request.outputCatalog !== undefined;
}

const restoreOf = (location: string | null, source: string | null): Restore | null =>
  location ? { location, source: source ?? location } : null;

/** Turns stored rows and what the runtime showed into the plain data `decide` reads. */
export function toObservation(world: VersionWorld & StreamWorld, now: Date, seen: Seen = {}): Observation {
  const { version, template, operation, job } = world;
  const runtimeKind = runtimeKindOf(template.runtimeEnvironment) ?? 'batch';
  const target = world.upgradeTarget;
  const targetKind = target && kindOf(runtimeKindOf(target.runtimeEnvironment) ?? 'batch', !isEmptySchedule(target.version.schedulerConfiguration), false);
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
      resumeSnapshot: world.resumeSnapshot,
    },
    templateCreated: template.state === 'created',
    otherVersionActive: world.otherVersionActive,
    operation: operation && {
      id: operation.id,
      type: operation.requestType as UserOperation,
      deadline: operation.deadline ?? new Date(8.64e15),
      pinsCatalogVersions: pinsCatalogVersions(operation.request),
      toVersionId: typeof operation.request.toVersionId === 'string' ? operation.request.toVersionId : undefined,
      target: target && { state: target.version.state as VersionState, kind: targetKind!, templateCreated: target.templateState === 'created' },
      targetJob: world.upgradeJob && { ...world.upgradeJob, restore: restoreOf(world.upgradeJob.restoreLocation, world.upgradeJob.restoreSource) },
      restore: world.restore,
    },
    job: job && {
      id: job.id,
      state: job.state as 'starting' | 'running',
      launched: job.handle !== null,
      kind: runtimeKind,
      stopRequested: job.stopRequested as StopReason | null,
      stopDeadline: job.stopDeadline,
      startDeadline: job.startDeadline,
      highAvailability: job.highAvailability,
      attempt: job.attempt,
      restore: restoreOf(job.restoreLocation, job.restoreSource),
      latestCheckpoint: job.latestCheckpoint,
      loggingOutdated: job.handle !== null && job.loggingApplied !== null && job.loggingApplied !== loggingText(version),
    },
    observed: seen.observed,
    logTail: seen.logTail,
    stream: seen.stream,
  };
}

/** The logging configuration as written into a job's folder, compared to notice a change. */
export const loggingText = (version: { loggingConfiguration: unknown }) => JSON.stringify(version.loggingConfiguration);
