/**
 * The lifecycle table (behaviour notes §2) as data: which operation is allowed from which
 * version state for which kind of version, and the state it leads to. Everything else is
 * refused with a message naming the current state.
 */
export type VersionState = 'ready' | 'scheduled' | 'running' | 'paused';
export type VersionKind = 'stream' | 'scheduled' | 'run-now';

export type UserOperation = 'activate' | 'pause' | 'resume' | 'cancel' | 'deactivate' | 'upgrade';
export type ServiceOperation = 'run' | 'job_terminate' | 'job_terminate_to_ready' | 'restart' | 'maintenance';
export type OperationType = UserOperation | ServiceOperation;

export const USER_OPERATIONS: readonly UserOperation[] = ['activate', 'pause', 'resume', 'cancel', 'deactivate', 'upgrade'];

export interface Transition {
  from: readonly VersionState[];
  /** The version's state once the operation has taken effect (for upgrade: the source's). */
  to: VersionState;
  /** What else happens, in words (documentation and messages). */
  effect: string;
}

type Table = Record<OperationType, Partial<Record<VersionKind, Transition>>>;

export const LIFECYCLE: Table = {
  activate: {
    stream: { from: ['ready'], to: 'running', effect: 'start a job, from a snapshot or the latest checkpoint if asked' },
    scheduled: { from: ['ready'], to: 'scheduled', effect: 'wait for a catalog change or a cron tick' },
    'run-now': { from: ['ready'], to: 'running', effect: 'start one job now' },
  },
  run: {
    scheduled: { from: ['scheduled'], to: 'running', effect: 'a trigger fired: start a job' },
  },
  job_terminate: {
    scheduled: { from: ['running'], to: 'scheduled', effect: 'the job ended: wait for the next trigger' },
  },
  job_terminate_to_ready: {
    stream: { from: ['running'], to: 'ready', effect: 'the job failed past its restarts' },
    'run-now': { from: ['running'], to: 'ready', effect: 'the one job ended' },
  },
  pause: {
    stream: { from: ['running'], to: 'paused', effect: 'snapshot the state, stop the job' },
    scheduled: { from: ['scheduled', 'running'], to: 'paused', effect: 'no new runs; a running job finishes' },
  },
  resume: {
    stream: { from: ['paused'], to: 'running', effect: 'start a job from the pause snapshot' },
    scheduled: { from: ['paused'], to: 'scheduled', effect: 'runs resume' },
  },
  cancel: {
    stream: { from: ['running', 'paused'], to: 'ready', effect: 'stop the job without a snapshot' },
    scheduled: { from: ['running', 'paused', 'scheduled'], to: 'ready', effect: 'stop any running job' },
    'run-now': { from: ['running'], to: 'ready', effect: 'stop the job' },
  },
  deactivate: {
    stream: { from: ['paused'], to: 'ready', effect: 'snapshots are kept' },
    scheduled: { from: ['scheduled', 'running', 'paused'], to: 'ready', effect: 'no new runs; a running job finishes first' },
  },
  upgrade: {
    stream: { from: ['running', 'paused'], to: 'ready', effect: 'snapshot and stop the source; the target runs from the snapshot' },
    scheduled: { from: ['scheduled', 'running', 'paused'], to: 'ready', effect: 'the source finishes its job; the target is scheduled' },
  },
  restart: {
    stream: { from: ['running'], to: 'running', effect: 'restart the job from its latest checkpoint' },
  },
  maintenance: {},
};

export type Decision = { allowed: true; transition: Transition } | { allowed: false; reason: string };

const KIND_NAMES: Record<VersionKind, string> = {
  stream: 'a stream version',
  scheduled: 'a scheduled batch version',
  'run-now': 'a run-now batch version',
};

/** May `operation` run on a version of `kind` in `state`? */
export function decide(operation: OperationType, kind: VersionKind, state: VersionState): Decision {
  const transition = LIFECYCLE[operation][kind];
  if (!transition) {
    return { allowed: false, reason: `${operation} is not possible for ${KIND_NAMES[kind]} (current state: ${state}).` };
  }
  if (!transition.from.includes(state)) {
    const allowed = transition.from.join(' or ');
    return { allowed: false, reason: `${operation} is not possible in state ${state}; ${KIND_NAMES[kind]} must be ${allowed}.` };
  }
  return { allowed: true, transition };
}

/**
 * The kind a version is, or will be once activated: stream by its runtime; batch with a
 * scheduler configuration is scheduled, unless the activation pins catalog versions, which makes
 * it a one-time run-now.
 */
export function kindOf(runtime: 'batch' | 'stream', hasSchedule: boolean, pinsCatalogVersions: boolean): VersionKind {
  if (runtime === 'stream') return 'stream';
  return hasSchedule && !pinsCatalogVersions ? 'scheduled' : 'run-now';
}
