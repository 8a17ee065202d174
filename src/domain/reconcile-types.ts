import type { ServiceOperation, UserOperation, VersionKind, VersionState } from './state-machine.js';

/** What the engine observed about one version, for `decide`. Plain data: no I/O behind it. */
export interface Observation {
  now: Date;
  version: {
    id: string;
    state: VersionState;
    runMode: VersionKind | null;
    /** Kind the version would be if activated without pinned catalog versions. */
    kindWithoutPins: VersionKind;
    hasResolverSchedule: boolean;
    /** Set by deactivate or upgrade while a scheduled job ran: what happens when it ends. */
    afterJob: 'ready' | 'upgrade' | null;
    upgradeTargetId: string | null;
  };
  templateCreated: boolean;
  /** Another version of the same pipeline is not ready. */
  otherVersionActive: boolean;
  /** The oldest pending user operation on this version that this replica has claimed. */
  operation?: {
    id: string;
    type: UserOperation;
    deadline: Date;
    pinsCatalogVersions: boolean;
    /** upgrade: the version to switch to. */
    toVersionId?: string;
  };
  job?: {
    id: string;
    state: 'starting' | 'running';
    launched: boolean;
    stopRequested: 'cancel' | null;
    stopDeadline: Date | null;
    startDeadline: Date | null;
  };
  process?: ProcessStatus;
  /** The job log's last lines, read when the process has ended. */
  logTail?: string;
}

export type ProcessStatus =
  | { status: 'not-launched' }
  | { status: 'alive' }
  | { status: 'exited'; code: number }
  | { status: 'vanished' };

export type JobEnd = 'completed' | 'failed' | 'canceled';

/** What to do next: database changes applied in one transaction, then at most one process action. */
export interface Plan {
  /** Why, in words: logged, and handy in tests. */
  reason: string;
  createJob?: { kind: VersionKind; executionMode: 'on-demand' | 'scheduled' | 'time-schedule' };
  job?: {
    state?: 'running' | JobEnd;
    message?: string;
    exitCode?: number | null;
    stopRequested?: 'cancel';
    stopDeadline?: Date;
  };
  version?: {
    state: VersionState;
    runMode: VersionKind | null;
    clearResolverSchedule?: boolean;
    afterJob?: { then: 'ready' | 'upgrade'; targetId?: string } | null;
  };
  /** upgrade of a scheduled batch version: the target becomes scheduled. */
  scheduleTarget?: string;
  operation?: { state: 'succeeded' | 'failed'; message: string };
  serviceOperation?: { type: ServiceOperation; message: string };
  process?: 'launch' | 'terminate' | 'kill';
}

export interface ReconcileSettings {
  /** From SIGTERM to SIGKILL when a job is stopped. */
  stopGraceMs: number;
  /** How long a job may stay `starting`. */
  startTimeoutMs: number;
}
