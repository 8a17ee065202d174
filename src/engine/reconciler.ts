import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { CatalogVersionSource } from '../catalogs/source.js';
import { asError } from '../domain/errors.js';
import { resolve } from '../domain/version-resolver.js';
import { decide, launchFailure } from '../domain/reconcile.js';
import { completePlan } from '../domain/plan-writes.js';
import type { Plan, ReconcileSettings } from '../domain/reconcile-types.js';
import type { RuntimeRegistry } from '../runtimes/registry.js';
import { RuntimeUnavailable, type JobHandle, type JobRuntime } from '../runtimes/runtime.js';
import { recordLaunchDelay } from '../store/launch-delay.js';
import { applyPlan, recordHandle, recordLaunch, type Applied, type KeptSnapshotRecord } from '../store/apply-plan.js';
import type { Db } from '../store/database.js';
import { claimOperations, renewLeases, takeOverJobs } from '../store/operations.js';
import { loadVersionWorld, versionsToReconcile, type VersionWorld } from '../store/version-world.js';
import { buildJobSpec, pinnedVersionsOf } from './job-spec.js';
import { loggingText, toObservation } from './observation.js';
import { observeJob, runtimeJobOf } from './observer.js';
import { snapshotIdOf } from './snapshot-id.js';
import { withKeptSnapshot } from './stream-state.js';
import { recordLoggingApplied } from '../store/stream-world.js';
import { signals } from '../telemetry/signals.js';
import { signalStep, withEvents } from './step-telemetry.js';

export interface EngineSettings extends ReconcileSettings {
  /** Names this replica: it owns the jobs it launched and the operations it claimed. */
  replicaId: string;
  /** How often to look again without being woken (deadlines, processes adopted after a restart). */
  tickMs: number;
  /** How long a claim on an operation holds without renewal (a dead replica's claims expire). */
  leaseMs: number;
  /** How long an operation may take in all before it fails naming the step it was at. */
  operationTimeoutMs: number;
}

/** What the trigger engine wants to hear from the reconciler about scheduled versions. */
export interface ScheduleHooks {
  versionScheduled(versionId: string, trigger: 'activated' | 'job-ended'): void;
  jobCompleted(version: VersionWorld['version'], jobId: string, processed: Record<string, number>): Promise<void>;
}

export interface ReconcilerDeps {
  db: Db;
  /** Resolves the catalog versions of a run-now job activated without pinned versions. */
  catalogSource?: CatalogVersionSource;
  hooks?: ScheduleHooks;
  runtimes: RuntimeRegistry;
  settings: EngineSettings;
  log: FastifyBaseLogger;
  now: () => Date;
}

/**
 * What the next pass must do: claim operations; look at the versions with an operation in
 * flight (`inFlight`), at every version this replica is responsible for (`all`), at those whose
 * job runs on one of `runtimes` (its safety poll), or only at `versions`.
 */
interface Due {
  claim: boolean;
  inFlight: boolean;
  all: boolean;
  runtimes: Set<string>;
  versions: Set<string>;
}

const nothingDue = (): Due => ({ claim: false, inFlight: false, all: false, runtimes: new Set(), versions: new Set() });

/** Steps one version may take in one pass; more means a decide/act loop that makes no progress. */
const MAX_STEPS_PER_PASS = 12;

/**
 * The engine loop, Flink-operator style: for each version this replica is responsible for
 * (an operation it claimed, or a job it runs) observe the job through its runtime, `decide` the
 * next step (pure, in domain/), act on it, and repeat until nothing is left to do.
 *
 * What makes it look, so that supervision costs little per live job (README: "Engine"): a job's
 * runtime reports its changes (the process ended, a checkpoint was written: `onJobChanged`), an
 * accepted operation wakes it, and the tick (SLUICE_ENGINE_TICK_MS) claims operations and looks
 * only at versions with one in flight (their deadlines). Live jobs with nothing going on are
 * looked at on their runtime's slow safety poll only. Looking at every live job at every tick
 * cost ~1.5 % of a core per job on PGlite (npm run bench -- supervision).
 */
/** `act` tried and must wait for the runtime: this version's pass ends here (the next tick tries again). */
const WAIT = Symbol('wait');

export class Reconciler {
  private timers: NodeJS.Timeout[] = [];
  private ticking?: Promise<void>;
  private again = false;
  private stopped = false;
  private leasesRenewedAt = Number.NEGATIVE_INFINITY;
  private due: Due = { ...nothingDue(), claim: true, all: true };
  /** The version of each live job seen, so that a process's end wakes a look at its version only. */
  private readonly versionOfJob = new Map<string, string>();

  constructor(private readonly deps: ReconcilerDeps) {
    for (const runtime of deps.runtimes.all()) {
      runtime.onJobChanged((jobId, change) => {
        const versionId = this.versionOfJob.get(jobId);
        if (change === 'ended') this.versionOfJob.delete(jobId);
        // A job this replica does not know (yet): look at everything it is responsible for.
        this.wake(versionId ? { versionId } : { all: true });
      });
    }
  }

  start(): void {
    this.timers.push(setInterval(() => this.wake({ claim: true, inFlight: true }), this.deps.settings.tickMs));
    for (const runtime of this.deps.runtimes.all()) {
      this.timers.push(setInterval(() => this.wake({ runtime: runtime.name }), runtime.safetyPollMs));
    }
    for (const timer of this.timers) timer.unref();
    this.wake();
  }

  /**
   * Look now. With no argument (a tick, a job created by the scheduler): claim operations and
   * look at every version this replica is responsible for. `claim`: an operation was accepted;
   * the pass claims and looks at the versions of what it claimed. `versionId`: that version's job
   * ended. Calls during a pass coalesce into one more pass doing all they asked.
   */
  wake(what: { claim?: boolean; inFlight?: boolean; all?: boolean; runtime?: string; versionId?: string } = { claim: true, all: true }): void {
    if (this.stopped) return;
    if (what.claim) this.due.claim = true;
    if (what.inFlight) this.due.inFlight = true;
    if (what.all) this.due.all = true;
    if (what.runtime) this.due.runtimes.add(what.runtime);
    if (what.versionId) this.due.versions.add(what.versionId);
    if (this.ticking) {
      this.again = true;
      return;
    }
    const due = this.due;
    this.due = nothingDue();
    const started = performance.now();
    this.ticking = this.pass(due)
      .then(() => signals.emit('engine.pass', { durationMs: performance.now() - started }))
      .catch((error) => this.deps.log.error({ err: asError(error) }, 'engine pass failed'))
      .finally(() => {
        this.ticking = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.wake({});
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.ticking;
  }

  private async pass(due: Due): Promise<void> {
    const { db, settings, now } = this.deps;
    const at = now();
    const targets = new Set(due.versions);
    // New claims carry a whole lease; the others are renewed long before theirs runs out, not at
    // every pass. Remote jobs whose holder stopped renewing are taken over at the same cadence,
    // before claiming, so that their pending operations are claimable in this very pass.
    let all = due.all;
    let claim = due.claim;
    if (Math.abs(at.getTime() - this.leasesRenewedAt) >= settings.leaseMs / 4) {
      await renewLeases(db, settings.replicaId, at, settings.leaseMs);
      const taken = await takeOverJobs(db, settings.replicaId, at, settings.leaseMs);
      if (taken.length > 0) {
        this.deps.log.info({ jobIds: taken }, 'engine: took over remote jobs whose replica stopped renewing their lease');
        all = claim = true;
      }
      this.leasesRenewedAt = at.getTime();
    }
    if (claim) {
      for (const claimed of await claimOperations(db, settings.replicaId, at, settings.leaseMs, 50)) targets.add(claimed.versionId);
    }
    const versions = new Set(targets);
    const more = all ? {} : due.runtimes.size > 0 ? { runtimes: [...due.runtimes] } : due.inFlight ? { jobs: false } : undefined;
    if (more) for (const id of await versionsToReconcile(db, settings.replicaId, more)) versions.add(id);
    await Promise.all([...versions].map((id) => this.reconcile(id)));
  }

  private async reconcile(versionId: string): Promise<void> {
    const { db, settings } = this.deps;
    // What the last step left, when the step itself knows it entirely (see act); else the store's.
    let known: VersionWorld | undefined;
    for (let step = 0; step < MAX_STEPS_PER_PASS && !this.stopped; step++) {
      const world = known ?? await loadVersionWorld(db, versionId, settings.replicaId);
      known = undefined;
      if (!world) return;
      if (world.job && world.job.owner !== settings.replicaId) return;
      const runtime = world.job && this.runtimeOf(world.job);
      if (world.job && !runtime) return;
      if (world.job && !this.versionOfJob.has(world.job.id)) {
        this.versionOfJob.set(world.job.id, versionId);
        // First seen by this run of the service (adopted after a restart, or taken over): ask for its reports.
        if (world.job.handle) runtime!.watch(runtimeJobOf(world.job));
      }
      let seen;
      try {
        seen = runtime ? await observeJob(db, runtime, world, this.deps.now(), settings.restartWindowMs) : {};
      } catch (error) {
        // A cluster out of reach: the job keeps its record as it is; a later pass looks again.
        if (!(error instanceof RuntimeUnavailable)) throw error;
        this.deps.log.warn({ versionId, jobId: world.job?.id, err: error }, 'engine: job not observable now');
        return;
      }
      const observation = toObservation(world, this.deps.now(), seen);
      const decided = decide(observation, settings);
      if (!decided) return;
      const plan = withEvents(world, observation, completePlan(observation, decided));
      this.deps.log.info({ versionId, jobId: world.job?.id, operationId: world.operation?.id, step: plan.reason }, 'engine step');
      const acted = await this.act(world, plan);
      if (acted === WAIT) return;
      known = acted;
      // Ended: its reports need no mapping any more.
      if (world.job && plan.job?.state && plan.job.state !== 'running') this.versionOfJob.delete(world.job.id);
      // An upgrade created the target's job: the next pass finds it among the live jobs and launches it.
      if (plan.startTarget) {
        this.due.all = true;
        this.again = true;
      }
    }
    this.deps.log.warn({ versionId }, 'engine: version still has steps to take after a full pass');
  }

  /** The job's runtime; a job whose runtime this service no longer has is left as it was, and said so. */
  private runtimeOf(job: { id: string; runtime: string }): JobRuntime | undefined {
    const runtime = this.deps.runtimes.forJob(job);
    if (!runtime) this.deps.log.warn({ jobId: job.id, runtime: job.runtime }, 'engine: the job\'s runtime is not in the runtime catalog any more; left as it was');
    return runtime;
  }

  private async tellScheduler(world: VersionWorld, plan: Plan): Promise<void> {
    const hooks = this.deps.hooks;
    if (!hooks || world.version.runMode !== 'scheduled' && plan.version?.runMode !== 'scheduled') return;
    if (plan.job?.state === 'completed' && world.job) {
      const inputs = (world.job.catalogVersions?.inputCatalogs ?? {}) as Record<string, { version: number }>;
      await hooks.jobCompleted(world.version, world.job.id, Object.fromEntries(Object.entries(inputs).map(([l, v]) => [l, v.version])));
    }
    if (plan.version?.state === 'scheduled') hooks.versionScheduled(world.version.id, plan.job ? 'job-ended' : 'activated');
    if (plan.scheduleTarget) hooks.versionScheduled(plan.scheduleTarget, 'activated');
  }

  /**
   * The catalog versions a new job is pinned to: those the activation passed, or for a batch
   * run-now without them, each input reprocessed at its latest version and the output's latest
   * as base (a stream job has none).
   */
  private async catalogVersionsFor(world: VersionWorld, plan: Plan) {
    const pinned = pinnedVersionsOf(world.operation!.request);
    const source = this.deps.catalogSource;
    if (pinned || plan.createJob?.kind !== 'run-now' || !source) return pinned;
    const { version } = world;
    const latest = await source.latestVersions(version.realm, [...Object.values(version.inputCatalogs), version.outputCatalogHrn]);
    const resolution = resolve({
      latest: Object.fromEntries(Object.entries(version.inputCatalogs).map(([label, hrn]) => [label, latest.get(hrn) ?? -1])),
      baseline: null,
      outputLatest: latest.get(version.outputCatalogHrn) ?? -1,
      force: true,
    });
    return { inputCatalogs: resolution.inputs, outputCatalog: { baseVersion: resolution.outputBaseVersion } };
  }

  /**
   * Carries out a plan. Returns the version's world after it when that is known without reading
   * the store: after an activation created the version's job (its row and the version's are what
   * the insert and update returned), and after that job's launch was recorded. Those are the steps
   * of every activation, each saving a read of the world; anything else is read again.
   */
  private async act(world: VersionWorld, planned: Plan): Promise<VersionWorld | undefined | typeof WAIT> {
    const { db, runtimes, settings, now } = this.deps;
    const job = world.job;
    const runtime = job ? this.runtimeOf(job) : undefined;
    const target = job && runtimeJobOf(job);
    if (planned.action === 'rewrite-logging' && runtime && target) {
      await runtime.rewriteLogging(target, world.version.loggingConfiguration);
      await recordLoggingApplied(db, target.jobId, loggingText(world.version));
      return undefined;
    }
    let plan = planned;
    let kept: KeptSnapshotRecord | undefined;
    let snapshotMs: number | undefined;
    if (plan.snapshot && runtime && target) {
      // Kept first: a crash before the record below finds it kept under the same id.
      const keeping = performance.now();
      kept = { ...plan.snapshot, location: await runtime.keepSnapshot(target, plan.snapshot.id) };
      snapshotMs = performance.now() - keeping;
      plan = withKeptSnapshot(plan, kept);
    }
    let newJob;
    if (plan.createJob && world.operation) {
      const id = randomUUID();
      const restore = plan.createJob.restore === 'new-snapshot' ? undefined : plan.createJob.restore;
      // An upgrade's job runs the target version: its template's environment picks the runtime.
      const environment = plan.createJob.forVersion ? world.upgradeTarget?.runtimeEnvironment ?? world.template.runtimeEnvironment : world.template.runtimeEnvironment;
      const runtimeOfJob = runtimes.forEnvironment(environment);
      newJob = {
        id,
        versionId: plan.createJob.forVersion ?? world.version.id,
        runtime: runtimeOfJob.name,
        owner: settings.replicaId,
        leaseUntil: runtimeOfJob.local ? null : new Date(now().getTime() + settings.leaseMs),
        startDeadline: new Date(now().getTime() + settings.startTimeoutMs),
        catalogVersions: await this.catalogVersionsFor(world, plan) as Record<string, unknown> | null,
        restore,
      };
    }
    const applied = await applyPlan(db, world, plan, now(), newJob, kept);
    signalStep(world, plan, now(), snapshotMs);
    await this.tellScheduler(world, plan);
    if (!job || !runtime || !target) return activatedWorld(world, plan, applied);
    switch (plan.action) {
      case 'launch':
        try {
          const handle = await runtime.launch(buildJobSpec(world, job));
          const at = now();
          const logging = loggingText(world.version);
          await recordLaunch(db, job.id, handle, at, logging);
          runtime.watch({ ...target, handle });
          return { ...world, job: { ...job, handle, loggingApplied: logging, updated: at } };
        } catch (error) {
          if (error instanceof RuntimeUnavailable) {
            // Nothing was started: the job stays `starting`, and the next pass asks again (the
            // runtime spaces its own attempts out) until the start deadline.
            this.deps.log.warn({ jobId: job.id, err: error }, 'engine: launch delayed');
            await recordLaunchDelay(db, { jobId: job.id, operationId: world.operation?.id ?? null, message: `The job waits to start: ${error.message}`, at: now() });
            return WAIT;
          }
          const message = `The job could not be started: ${asError(error).message}`;
          const observation = toObservation(world, now());
          const failure = withEvents(world, observation, completePlan(observation, launchFailure(observation, message)));
          await applyPlan(db, world, failure, now());
          signalStep(world, failure, now());
        }
        break;
      case 'stop':
      case 'stop-keeping-state':
      case 'force-stop':
        try {
          if (plan.action === 'force-stop') await runtime.forceStop(target);
          else {
            const handle = await runtime.stop(target, { keepState: plan.action === 'stop-keeping-state', snapshotId: snapshotIdOf(job) });
            if (handle) await recordHandle(db, job.id, handle as JobHandle, now());
          }
        } catch (error) {
          // The stop request is recorded; past its grace the engine forces the stop, asking again.
          if (!(error instanceof RuntimeUnavailable)) throw error;
          this.deps.log.warn({ jobId: job.id, err: error }, 'engine: the job could not be asked to stop now');
          return WAIT;
        }
        break;
      case 'discard-snapshot':
        await runtime.discardSnapshot(target);
        break;
    }
    if (plan.job?.state && plan.job.state !== 'running') runtime.unwatch(job.id);
    return undefined;
  }
}

/**
 * The world right after an activation created the version's own job and changed nothing else
 * that the world holds (no operation, service operation, snapshot or other version touched).
 */
function activatedWorld(world: VersionWorld, plan: Plan, applied: Applied): VersionWorld | undefined {
  const simple = plan.createJob && !plan.createJob.forVersion && applied.createdJob && applied.version
    && !plan.operation && !plan.serviceOperation && !plan.snapshot && !plan.startTarget && !plan.scheduleTarget && !plan.job;
  if (!simple) return undefined;
  // The version's resume snapshot is cleared once it runs; the world's copy follows it.
  return { ...world, version: applied.version!, job: applied.createdJob, resumeSnapshot: applied.version!.resumeSnapshot ? world.resumeSnapshot : null };
}
