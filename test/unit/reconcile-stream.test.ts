import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../src/domain/reconcile.js';
import type { Observation } from '../../src/domain/reconcile-types.js';
import { at, itDecides, NOW, observe, running, settings, type DecideCase, type Overrides } from '../helpers/observations.js';

const SNAP = { location: '/data/snapshots/s-1', source: 'snapshot s-1' };
/** As a runtime reports it: a URI, and the name messages show (never taken from the URI here). */
const CHECKPOINT = { location: 'file:///data/jobs/job-1/checkpoints/chk-0000000007', name: 'chk-0000000007' };
const stream = (o: Partial<NonNullable<Observation['stream']>> = {}) =>
  ({ snapshotWritten: false, newestCheckpoint: null, restartsInWindow: 0, newSnapshotId: 'snap-new', ...o });
/** A running stream version whose job (with high availability) is up. */
const streaming = (more: Overrides = {}) => running('stream', {
  observed: { state: 'running' },
  stream: stream(),
  ...more,
  job: { kind: 'stream', highAvailability: true, ...more.job },
});
const target = { state: 'ready' as const, kind: 'stream' as const, templateCreated: true };
const paused = (more: Overrides = {}) => observe({
  ...more,
  version: { state: 'paused', runMode: 'stream', kindWithoutPins: 'stream', resumeSnapshot: SNAP, ...more.version },
});

const cases: DecideCase[] = [
  // ── pause ──
  {
    name: 'pause: SIGTERM, and the snapshot grace period starts',
    observation: streaming({ operation: { type: 'pause' } }),
    plan: { job: { stopRequested: 'pause', stopDeadline: at(20) }, action: 'stop-keeping-state' },
  },
  {
    name: 'pause: waiting for the job to write its snapshot and exit',
    observation: streaming({ operation: { type: 'pause' }, job: { stopRequested: 'pause', stopDeadline: at(20) } }),
    plan: null,
  },
  {
    name: 'pause: the job exited with its snapshot: snapshot kept, job canceled, version paused',
    observation: streaming({
      operation: { type: 'pause' }, job: { stopRequested: 'pause', stopDeadline: at(20) },
      observed: { state: 'finished', exitCode: 0 }, stream: stream({ snapshotWritten: true }),
    }),
    plan: {
      snapshot: { id: 'snap-new', reason: 'pause' },
      job: { state: 'canceled', exitCode: 0, message: /snapshot snap-new/ },
      version: { state: 'paused', runMode: 'stream', resumeFromNewSnapshot: true },
      operation: { state: 'succeeded', message: /snapshot snap-new/ },
    },
  },
  {
    name: 'pause timed out: the job keeps running untouched, the version stays running, the operation fails',
    observation: streaming({ now: at(21), operation: { type: 'pause' }, job: { stopRequested: 'pause', stopDeadline: at(20) } }),
    plan: { job: { stopRequested: null }, action: 'discard-snapshot', operation: { state: 'failed', message: /within 20 s.*keeps running/ } },
  },
  {
    name: 'pause: the job exited without a snapshot: started again from its checkpoint (even without HA), the operation fails',
    observation: streaming({
      operation: { type: 'pause' }, job: { stopRequested: 'pause', stopDeadline: at(20), highAvailability: false },
      observed: { state: 'finished', exitCode: 143 }, stream: stream({ newestCheckpoint: CHECKPOINT, restartsInWindow: 3 }),
    }),
    plan: {
      job: { relaunch: { restore: { location: CHECKPOINT.location, source: /chk-0000000007 of job job-1/ }, startDeadline: at(60) }, latestCheckpoint: CHECKPOINT },
      serviceOperation: { type: 'restart', message: /exited with code 143 without writing a snapshot\. Restarted from checkpoint/ },
      operation: { state: 'failed', message: /did not write a snapshot.*started again from checkpoint.*stays running/ },
    },
  },
  {
    name: 'upgrade: the job vanished without a snapshot and had no checkpoint: started again from its own start snapshot',
    observation: streaming({
      operation: { type: 'upgrade', toVersionId: 'v-2', target }, job: { stopRequested: 'upgrade', stopDeadline: at(20), restore: SNAP },
      observed: { state: 'lost' },
    }),
    plan: {
      job: { relaunch: { restore: SNAP, startDeadline: at(60) } },
      serviceOperation: { type: 'restart', message: /for an upgrade, its process disappeared/ },
      operation: { state: 'failed', message: /started again from snapshot s-1/ },
    },
  },
  {
    name: 'pause refused on processing when the version is not running',
    observation: paused({ operation: { type: 'pause' } }),
    plan: { operation: { state: 'failed', message: /state paused/ } },
  },
  // ── resume ──
  {
    name: 'resume: a job from the pause snapshot, version running',
    observation: paused({ operation: { type: 'resume' } }),
    plan: { createJob: { kind: 'stream', executionMode: 'on-demand', restore: SNAP }, version: { state: 'running', runMode: 'stream' } },
  },
  {
    name: 'resume: the restored job is up: the operation succeeds naming the snapshot',
    observation: streaming({ operation: { type: 'resume' }, job: { state: 'starting', restore: SNAP } }),
    plan: { job: { state: 'running' }, operation: { state: 'succeeded', message: /running from snapshot s-1/ } },
  },
  {
    name: 'resume without a snapshot fails',
    observation: paused({ operation: { type: 'resume' }, version: { resumeSnapshot: null } }),
    plan: { operation: { state: 'failed', message: /no snapshot/ } },
  },
  // ── activate from a snapshot or checkpoint ──
  {
    name: 'activate from a snapshot: the job restores from it',
    observation: observe({ version: { kindWithoutPins: 'stream' }, operation: { type: 'activate', restore: SNAP } }),
    plan: {
      createJob: { kind: 'stream', executionMode: 'on-demand', restore: SNAP },
      version: { state: 'running', runMode: 'stream', clearResolverSchedule: false },
    },
  },
  {
    name: 'activate from a checkpoint that is gone fails with the reason',
    observation: observe({ version: { kindWithoutPins: 'stream' }, operation: { type: 'activate', restore: { missing: 'no checkpoint left' } } }),
    plan: { operation: { state: 'failed', message: 'no checkpoint left' } },
  },
  // ── upgrade ──
  {
    name: 'upgrade a running version: SIGTERM for the snapshot',
    observation: streaming({ operation: { type: 'upgrade', toVersionId: 'v-2', target } }),
    plan: { job: { stopRequested: 'upgrade', stopDeadline: at(20) }, action: 'stop-keeping-state' },
  },
  {
    name: 'upgrade to a target that is no longer ready fails before anything is stopped',
    observation: streaming({ operation: { type: 'upgrade', toVersionId: 'v-2', target: { ...target, state: 'running' } } }),
    plan: { operation: { state: 'failed', message: /v-2 is running; it must be ready/ } },
  },
  {
    name: 'upgrade: the source saved its state: source ready, the target gets a job from the new snapshot',
    observation: streaming({
      operation: { type: 'upgrade', toVersionId: 'v-2', target }, job: { stopRequested: 'upgrade', stopDeadline: at(20) },
      observed: { state: 'finished', exitCode: 143 }, stream: stream({ snapshotWritten: true }),
    }),
    plan: {
      snapshot: { id: 'snap-new', reason: 'upgrade' },
      job: { state: 'canceled', exitCode: 143, message: /upgrade to version v-2/ },
      version: { state: 'ready', runMode: null },
      startTarget: 'v-2',
      createJob: { kind: 'stream', executionMode: 'on-demand', restore: 'new-snapshot', forVersion: 'v-2' },
    },
  },
  {
    name: 'upgrade timed out waiting for the snapshot: the source keeps running',
    observation: streaming({ now: at(25), operation: { type: 'upgrade', toVersionId: 'v-2', target }, job: { stopRequested: 'upgrade', stopDeadline: at(20) } }),
    plan: { job: { stopRequested: null }, action: 'discard-snapshot', operation: { state: 'failed', message: /keeps running/ } },
  },
  {
    name: 'upgrade a paused version: the target starts from the pause snapshot',
    observation: paused({ operation: { type: 'upgrade', toVersionId: 'v-2', target } }),
    plan: {
      version: { state: 'ready', runMode: null },
      startTarget: 'v-2',
      createJob: { kind: 'stream', executionMode: 'on-demand', restore: SNAP, forVersion: 'v-2' },
    },
  },
  {
    name: 'upgrade handed over: waiting while the target job starts',
    observation: observe({ version: { kindWithoutPins: 'stream' }, otherVersionActive: true, operation: { type: 'upgrade', toVersionId: 'v-2', targetJob: { id: 'job-2', state: 'starting', message: null, restore: SNAP, created: NOW } } }),
    plan: null,
  },
  {
    name: 'upgrade handed over: the target runs, but not yet for the settle time: wait',
    observation: observe({ version: { kindWithoutPins: 'stream' }, otherVersionActive: true, operation: { type: 'upgrade', toVersionId: 'v-2', targetJob: { id: 'job-2', state: 'running', message: null, restore: SNAP, created: at(-4) } } }),
    plan: null,
  },
  {
    name: 'upgrade handed over: the target has run for the settle time, the operation succeeds',
    observation: observe({ version: { kindWithoutPins: 'stream' }, otherVersionActive: true, operation: { type: 'upgrade', toVersionId: 'v-2', targetJob: { id: 'job-2', state: 'running', message: null, restore: SNAP, created: at(-5) } } }),
    plan: { operation: { state: 'succeeded', message: /v-2 is running \(job job-2, from snapshot s-1\)/ } },
  },
  {
    name: 'upgrade handed over but the target job failed: the source starts again from the snapshot',
    observation: observe({ version: { kindWithoutPins: 'stream' }, operation: { type: 'upgrade', toVersionId: 'v-2', targetJob: { id: 'job-2', state: 'failed', message: 'exit 1', restore: SNAP, created: at(-1) } } }),
    plan: {
      createJob: { kind: 'stream', executionMode: 'on-demand', restore: SNAP, ofServiceOperation: true },
      version: { state: 'running', runMode: 'stream' },
      serviceOperation: { type: 'restart', message: /job-2 failed: exit 1.*from snapshot s-1/ },
      operation: { state: 'failed', message: /started again from snapshot s-1/ },
    },
  },
  {
    name: 'upgrade handed over, target job failed, but the target is still being wound down: wait',
    observation: observe({ version: { kindWithoutPins: 'stream' }, otherVersionActive: true, operation: { type: 'upgrade', toVersionId: 'v-2', targetJob: { id: 'job-2', state: 'failed', message: 'x', restore: SNAP, created: at(-1) } } }),
    plan: null,
  },
  // ── restarts ──
  {
    name: 'a highly available stream job killed from outside restarts from its newest checkpoint',
    observation: streaming({ observed: { state: 'lost' }, stream: stream({ newestCheckpoint: CHECKPOINT, restartsInWindow: 1 }) }),
    plan: {
      job: { relaunch: { restore: { location: CHECKPOINT.location, source: /checkpoint chk-0000000007/ }, startDeadline: at(60) }, latestCheckpoint: CHECKPOINT },
      serviceOperation: { type: 'restart', message: /disappeared.*restart 2 of at most 3/ },
    },
  },
  {
    name: 'with no checkpoint yet, a restart starts from what the job started from',
    observation: streaming({ observed: { state: 'finished', exitCode: 137 }, job: { restore: SNAP } }),
    plan: { job: { relaunch: { restore: SNAP, startDeadline: at(60) } }, serviceOperation: { type: 'restart', message: /from snapshot s-1/ } },
  },
  {
    name: 'past the restart budget the job fails and the version goes to ready',
    observation: streaming({ observed: { state: 'finished', exitCode: 137 }, stream: stream({ restartsInWindow: 3, newestCheckpoint: CHECKPOINT }) }),
    plan: {
      job: { state: 'failed', exitCode: 137, message: /restarted 3 times within 10 min/, latestCheckpoint: CHECKPOINT },
      version: { state: 'ready', runMode: null },
      serviceOperation: { type: 'job_terminate_to_ready', message: /restarted 3 times/ },
    },
  },
  {
    name: 'without high availability a dead stream job is not restarted',
    observation: streaming({ observed: { state: 'finished', exitCode: 1 }, job: { highAvailability: false } }),
    plan: {
      job: { state: 'failed', exitCode: 1, message: /exited with code 1\.$/ },
      version: { state: 'ready', runMode: null },
      serviceOperation: { type: 'job_terminate_to_ready', message: /code 1/ },
    },
  },
  {
    name: 'a restarted job (not launched yet) is launched',
    observation: streaming({ job: { launched: false, attempt: 1, startDeadline: at(60) } }),
    plan: { action: 'launch' },
  },
  // ── cancel, housekeeping ──
  {
    name: 'a canceled stream job has stopped: its snapshot is not kept',
    observation: streaming({ operation: { type: 'cancel' }, job: { stopRequested: 'cancel', stopDeadline: at(10) }, observed: { state: 'finished', exitCode: 0 } }),
    plan: {
      job: { state: 'canceled', exitCode: 0, message: 'Canceled.' },
      version: { state: 'ready', runMode: null },
      operation: { state: 'succeeded', message: /canceled/ },
      action: 'discard-snapshot',
    },
  },
  {
    name: 'a new checkpoint is recorded',
    observation: streaming({ stream: stream({ newestCheckpoint: CHECKPOINT }) }),
    plan: { job: { latestCheckpoint: CHECKPOINT } },
  },
  { name: 'the recorded checkpoint is the newest: nothing to do', observation: streaming({ stream: stream({ newestCheckpoint: CHECKPOINT }), job: { latestCheckpoint: CHECKPOINT.location } }), plan: null },
  {
    name: 'a changed logging configuration is written into the running job\'s folder (batch too)',
    observation: running('run-now', { observed: { state: 'running' }, job: { loggingOutdated: true } }),
    plan: { action: 'rewrite-logging' },
  },
];

describe('reconcile decide: stream state', () => {
  itDecides(cases);

  it('the pause deadline is the snapshot grace period, not the cancel grace period', () => {
    const plan = decide(streaming({ operation: { type: 'pause' } }), { ...settings, snapshotGraceMs: 5_000 });
    assert.deepEqual(plan?.job?.stopDeadline, new Date(NOW.getTime() + 5_000));
  });
});
