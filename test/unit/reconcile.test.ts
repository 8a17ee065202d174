import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../src/domain/reconcile.js';
import { at, itDecides, NOW, observe, running, settings, type DecideCase } from '../helpers/observations.js';

const cases: DecideCase[] = [
  // ── activation, no job yet ──
  {
    name: 'activate a run-now version: create a job, version running',
    observation: observe({ operation: { type: 'activate' } }),
    plan: {
      createJob: { kind: 'run-now', executionMode: 'on-demand' },
      version: { state: 'running', runMode: 'run-now', clearResolverSchedule: false },
    },
  },
  {
    name: 'activate with pinned versions a version with a resolver schedule: one run-now, schedule cleared',
    observation: observe({
      version: { kindWithoutPins: 'scheduled', hasResolverSchedule: true },
      operation: { type: 'activate', pinsCatalogVersions: true },
    }),
    plan: {
      createJob: { kind: 'run-now', executionMode: 'on-demand' },
      version: { state: 'running', runMode: 'run-now', clearResolverSchedule: true },
    },
  },
  {
    name: 'activate a stream version: create a job, version running',
    observation: observe({ version: { kindWithoutPins: 'stream' }, operation: { type: 'activate' } }),
    plan: {
      createJob: { kind: 'stream', executionMode: 'on-demand' },
      version: { state: 'running', runMode: 'stream', clearResolverSchedule: false },
    },
  },
  {
    name: 'activate a scheduled version: version scheduled, operation succeeded, no job',
    observation: observe({ version: { kindWithoutPins: 'scheduled', hasResolverSchedule: true }, operation: { type: 'activate' } }),
    plan: {
      version: { state: 'scheduled', runMode: 'scheduled' },
      operation: { state: 'succeeded', message: /scheduled/ },
    },
  },
  {
    name: 'activate refused: the template is not created',
    observation: observe({ templateCreated: false, operation: { type: 'activate' } }),
    plan: { operation: { state: 'failed', message: /template is not in state created/ } },
  },
  {
    name: 'activate refused: another version of the pipeline is active',
    observation: observe({ otherVersionActive: true, operation: { type: 'activate' } }),
    plan: { operation: { state: 'failed', message: /Another version of this pipeline is active/ } },
  },
  {
    name: 'activate refused on processing: the version is no longer ready',
    observation: observe({ version: { state: 'scheduled', runMode: 'scheduled', kindWithoutPins: 'scheduled' }, operation: { type: 'activate' } }),
    plan: { operation: { state: 'failed', message: /state scheduled\b/ } },
  },
  {
    name: 'cancel a scheduled version with no job: ready, succeeded',
    observation: observe({ version: { state: 'scheduled', runMode: 'scheduled', kindWithoutPins: 'scheduled' }, operation: { type: 'cancel' } }),
    plan: { version: { state: 'ready', runMode: null }, operation: { state: 'succeeded', message: /ready/ } },
  },
  {
    name: 'deactivate a paused stream version: ready, succeeded',
    observation: observe({ version: { state: 'paused', runMode: 'stream', kindWithoutPins: 'stream' }, operation: { type: 'deactivate' } }),
    plan: { version: { state: 'ready', runMode: null }, operation: { state: 'succeeded', message: /ready/ } },
  },
  // ── scheduled batch: pause, resume, deactivate, upgrade never stop a running job ──
  {
    name: 'pause a scheduled version: paused, no job touched',
    observation: observe({ version: { state: 'scheduled', runMode: 'scheduled', kindWithoutPins: 'scheduled' }, operation: { type: 'pause' } }),
    plan: { version: { state: 'paused', runMode: 'scheduled' }, operation: { state: 'succeeded', message: /no new runs/ } },
  },
  {
    name: 'pause a scheduled version while its job runs: paused, the job finishes',
    observation: running('scheduled', { observed: { state: 'running' }, operation: { type: 'pause' } }),
    plan: { version: { state: 'paused', runMode: 'scheduled' }, operation: { state: 'succeeded', message: /running job finishes/ } },
  },
  {
    name: 'resume a paused scheduled version: scheduled',
    observation: observe({ version: { state: 'paused', runMode: 'scheduled', kindWithoutPins: 'scheduled' }, operation: { type: 'resume' } }),
    plan: { version: { state: 'scheduled', runMode: 'scheduled' }, operation: { state: 'succeeded', message: /Resumed/ } },
  },
  {
    name: 'deactivate a paused scheduled version with a running job: ready once the job ends',
    observation: running('scheduled', { version: { state: 'paused' }, observed: { state: 'running' }, operation: { type: 'deactivate' } }),
    plan: { version: { state: 'paused', runMode: 'scheduled', afterJob: { then: 'ready' } }, operation: { state: 'succeeded', message: /when its running job ends/ } },
  },
  {
    name: 'deactivate a scheduled version while its job runs: still running, ready once the job ends',
    observation: running('scheduled', { observed: { state: 'running' }, operation: { type: 'deactivate' } }),
    plan: { version: { state: 'running', runMode: 'scheduled', afterJob: { then: 'ready' } }, operation: { state: 'succeeded', message: /when its running job ends/ } },
  },
  {
    name: 'a running scheduled job ends after a deactivate: version ready, not scheduled again',
    observation: running('scheduled', { version: { afterJob: 'ready' }, observed: { state: 'finished', exitCode: 0 } }),
    plan: {
      job: { state: 'completed', exitCode: 0, message: /completed/ },
      version: { state: 'ready', runMode: null, afterJob: null },
      serviceOperation: { type: 'job_terminate', message: /completed/ },
    },
  },
  {
    name: 'a scheduled job ends after a deactivate: version ready',
    observation: running('scheduled', { version: { state: 'paused', afterJob: 'ready' }, observed: { state: 'finished', exitCode: 0 } }),
    plan: {
      job: { state: 'completed', exitCode: 0, message: /completed/ },
      version: { state: 'ready', runMode: null, afterJob: null },
      serviceOperation: { type: 'job_terminate', message: /completed/ },
    },
  },
  {
    name: 'upgrade a scheduled version with no job: the target takes over at once',
    observation: observe({ version: { state: 'scheduled', runMode: 'scheduled', kindWithoutPins: 'scheduled' }, operation: { type: 'upgrade', toVersionId: 'v-2' } }),
    plan: { version: { state: 'ready', runMode: null, afterJob: null }, scheduleTarget: 'v-2', operation: { state: 'succeeded', message: /v-2 is scheduled/ } },
  },
  {
    name: 'upgrade while the job runs: the target takes over when it ends',
    observation: running('scheduled', { observed: { state: 'running' }, operation: { type: 'upgrade', toVersionId: 'v-2' } }),
    plan: { version: { state: 'running', runMode: 'scheduled', afterJob: { then: 'upgrade', targetId: 'v-2' } }, operation: { state: 'succeeded', message: /when this version's running job ends/ } },
  },
  {
    name: 'the source job ends after an upgrade: source ready, target scheduled',
    observation: running('scheduled', { version: { afterJob: 'upgrade', upgradeTargetId: 'v-2' }, observed: { state: 'finished', exitCode: 1 } }),
    plan: {
      job: { state: 'failed', exitCode: 1, message: /code 1/ },
      version: { state: 'ready', runMode: null, afterJob: null },
      scheduleTarget: 'v-2',
      serviceOperation: { type: 'job_terminate', message: /code 1/ },
    },
  },
  // ── starting the job ──
  {
    name: 'a job not launched yet: launch it',
    observation: running('run-now', { job: { state: 'starting', launched: false }, operation: { type: 'activate' } }),
    plan: { action: 'launch' },
  },
  {
    name: 'launched but nothing observed (the observer had no handle to look with) counts as not launched',
    observation: running('run-now', { job: { state: 'starting', launched: true } }),
    plan: { action: 'launch' },
  },
  {
    name: 'the start deadline passed (run-now): job failed, version ready, activation failed',
    observation: running('run-now', {
      job: { state: 'starting', launched: false, startDeadline: at(-1) },
      operation: { type: 'activate' },
    }),
    plan: {
      job: { state: 'failed', exitCode: null, message: /did not start within 60 s/ },
      version: { state: 'ready', runMode: null },
      serviceOperation: { type: 'job_terminate_to_ready', message: /did not start within 60 s/ },
      operation: { state: 'failed', message: /did not start within 60 s/ },
    },
  },
  {
    name: 'the start deadline passed (scheduled, no operation): job failed, version back to scheduled',
    observation: running('scheduled', { job: { state: 'starting', launched: false, startDeadline: at(-1) } }),
    plan: {
      job: { state: 'failed', exitCode: null, message: /did not start/ },
      version: { state: 'scheduled', runMode: 'scheduled' },
      serviceOperation: { type: 'job_terminate', message: /did not start/ },
    },
  },
  {
    name: 'the start deadline is not passed at the very instant',
    observation: running('run-now', { job: { state: 'starting', launched: false, startDeadline: NOW } }),
    plan: { action: 'launch' },
  },
  {
    name: 'process alive, job starting: job running, activation succeeded',
    observation: running('run-now', { job: { state: 'starting' }, observed: { state: 'running' }, operation: { type: 'activate' } }),
    plan: { job: { state: 'running' }, operation: { state: 'succeeded', message: /Job job-1 is running/ } },
  },
  {
    name: 'process alive, job starting, no operation (a service run): job running only',
    observation: running('scheduled', { job: { state: 'starting' }, observed: { state: 'running' } }),
    plan: { job: { state: 'running' } },
  },
  // ── cancel ──
  {
    name: 'cancel with the job alive: stop requested with a grace deadline, SIGTERM',
    observation: running('run-now', { observed: { state: 'running' }, operation: { type: 'cancel' } }),
    plan: { job: { stopRequested: 'cancel', stopDeadline: at(30) }, action: 'stop' },
  },
  {
    name: 'stopping within the grace period: wait',
    observation: running('run-now', {
      job: { stopRequested: 'cancel', stopDeadline: at(10) }, observed: { state: 'running' }, operation: { type: 'cancel' },
    }),
    plan: null,
  },
  {
    name: 'the stop grace period passed: SIGKILL',
    observation: running('run-now', {
      job: { stopRequested: 'cancel', stopDeadline: at(-1) }, observed: { state: 'running' }, operation: { type: 'cancel' },
    }),
    plan: { action: 'force-stop' },
  },
  {
    name: 'the canceled job exited: job canceled, version ready, cancel succeeded',
    observation: running('run-now', {
      job: { stopRequested: 'cancel', stopDeadline: at(10) }, observed: { state: 'finished', exitCode: 143 }, operation: { type: 'cancel' },
    }),
    plan: {
      job: { state: 'canceled', exitCode: 143, message: 'Canceled.' },
      version: { state: 'ready', runMode: null },
      operation: { state: 'succeeded', message: /Job job-1 was canceled/ },
    },
  },
  {
    name: 'the canceled job of a scheduled version vanished after SIGKILL: canceled, version ready',
    observation: running('scheduled', {
      job: { stopRequested: 'cancel', stopDeadline: at(-5) }, observed: { state: 'lost' }, operation: { type: 'cancel' },
    }),
    plan: {
      job: { state: 'canceled', exitCode: null, message: 'Canceled.' },
      version: { state: 'ready', runMode: null },
      operation: { state: 'succeeded', message: /canceled/ },
    },
  },
  // ── the job ends by itself ──
  {
    name: 'exit 0, run-now: completed, version ready, job_terminate_to_ready',
    observation: running('run-now', { observed: { state: 'finished', exitCode: 0 } }),
    plan: {
      job: { state: 'completed', exitCode: 0, message: 'The job completed.' },
      version: { state: 'ready', runMode: null },
      serviceOperation: { type: 'job_terminate_to_ready', message: 'The job completed.' },
    },
  },
  {
    name: 'exit 0, scheduled: completed, version back to scheduled, job_terminate',
    observation: running('scheduled', { observed: { state: 'finished', exitCode: 0 } }),
    plan: {
      job: { state: 'completed', exitCode: 0, message: 'The job completed.' },
      version: { state: 'scheduled', runMode: 'scheduled' },
      serviceOperation: { type: 'job_terminate', message: 'The job completed.' },
    },
  },
  {
    name: 'exit 0, scheduled version paused meanwhile: completed, version stays paused',
    observation: running('scheduled', { version: { state: 'paused' }, observed: { state: 'finished', exitCode: 0 } }),
    plan: { job: { state: 'completed', exitCode: 0, message: 'The job completed.' } },
  },
  {
    name: 'exit 3: failed with the code and the log tail',
    observation: running('run-now', { observed: { state: 'finished', exitCode: 3 }, logTail: 'Exception in thread "main"\n  at Main.main' }),
    plan: {
      job: { state: 'failed', exitCode: 3, message: /exited with code 3\. Last lines of its log:\nException in thread "main"\n {2}at Main\.main$/ },
      version: { state: 'ready', runMode: null },
      serviceOperation: { type: 'job_terminate_to_ready', message: /exited with code 3/ },
    },
  },
  {
    name: 'exit 3 with an empty log: no empty tail',
    observation: running('run-now', { observed: { state: 'finished', exitCode: 3 }, logTail: '' }),
    plan: {
      job: { state: 'failed', exitCode: 3, message: 'The job exited with code 3.' },
      version: { state: 'ready', runMode: null },
      serviceOperation: { type: 'job_terminate_to_ready', message: 'The job exited with code 3.' },
    },
  },
  {
    name: 'the process vanished: failed, saying it ended without an exit status',
    observation: running('run-now', { observed: { state: 'lost' }, logTail: 'last line' }),
    plan: {
      job: { state: 'failed', exitCode: null, message: /disappeared without an exit status.*\n?.*last line$/s },
      version: { state: 'ready', runMode: null },
      serviceOperation: { type: 'job_terminate_to_ready', message: /disappeared/ },
    },
  },
  {
    name: 'a job that ended before it was seen running still settles its activation',
    observation: running('run-now', { job: { state: 'starting' }, observed: { state: 'finished', exitCode: 0 }, operation: { type: 'activate' } }),
    plan: {
      job: { state: 'completed', exitCode: 0, message: 'The job completed.' },
      version: { state: 'ready', runMode: null },
      serviceOperation: { type: 'job_terminate_to_ready', message: 'The job completed.' },
      operation: { state: 'succeeded', message: /Job job-1 was started; it ended: completed/ },
    },
  },
  {
    name: 'a cancel that raced the run-now job\'s own end: job completed, version ready, cancel succeeded',
    observation: running('run-now', { observed: { state: 'finished', exitCode: 0 }, operation: { type: 'cancel' } }),
    plan: {
      job: { state: 'completed', exitCode: 0, message: 'The job completed.' },
      version: { state: 'ready', runMode: null },
      serviceOperation: { type: 'job_terminate_to_ready', message: 'The job completed.' },
      operation: { state: 'succeeded', message: /Job job-1 had already ended \(completed\).*version is ready/ },
    },
  },
  {
    name: 'a cancel that raced a scheduled job\'s end: version back to scheduled; the cancel is taken up next (case above: no job, scheduled → ready)',
    observation: running('scheduled', { observed: { state: 'finished', exitCode: 1 }, operation: { type: 'cancel' } }),
    plan: {
      job: { state: 'failed', exitCode: 1, message: 'The job exited with code 1.' },
      version: { state: 'scheduled', runMode: 'scheduled' },
      serviceOperation: { type: 'job_terminate', message: 'The job exited with code 1.' },
    },
  },
  // ── deadlines and quiet ──
  {
    name: 'the operation deadline passed while the job stops: failed, naming the step',
    observation: running('run-now', {
      job: { stopRequested: 'cancel', stopDeadline: at(10) },
      observed: { state: 'running' },
      operation: { type: 'cancel', deadline: at(-1) },
    }),
    plan: { operation: { state: 'failed', message: 'The cancel operation timed out while waiting for the job to stop.' } },
  },
  {
    name: 'the operation deadline is not passed at the very instant',
    observation: running('run-now', {
      job: { stopRequested: 'cancel', stopDeadline: at(10) },
      observed: { state: 'running' },
      operation: { type: 'cancel', deadline: NOW },
    }),
    plan: null,
  },
  { name: 'nothing to do: a ready version with no operation', observation: observe(), plan: null },
  { name: 'nothing to do: a running job with no operation', observation: running('run-now', { observed: { state: 'running' } }), plan: null },
  { name: 'nothing to do: a running stream job', observation: running('stream', { observed: { state: 'running' } }), plan: null },
];

describe('reconcile decide', () => {
  itDecides(cases);

  it('is pure: the same observation gives the same plan, and the observation is not changed', () => {
    const o = running('run-now', { observed: { state: 'running' }, operation: { type: 'cancel' } });
    const copy = structuredClone(o);
    assert.deepEqual(decide(o, settings), decide(o, settings));
    assert.deepEqual(o, copy);
  });
});
