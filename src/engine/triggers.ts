import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { FastifyBaseLogger } from 'fastify';
import type { CatalogVersionSource } from '../catalogs/source.js';
import { asError } from '../domain/errors.js';
import { baselineAfterSuccess, resolve } from '../domain/version-resolver.js';
import type { JobRuntime } from '../runtimes/runtime.js';
import type { Db } from '../store/database.js';
import type { PipelineVersionRow } from '../store/schema.js';
import {
  findVersionById, lastAttempt, pruneDecisions, recordDecision, resolverBaseline, scheduledVersions, setNextJobAttempt,
  setResolverBaseline, startScheduledRun, takeCronTick,
} from '../store/triggers.js';
import type { Clock } from './clock.js';
import { SweepLog, type SweepCounts } from './trigger-sweeps.js';

export interface TriggerSettings {
  replicaId: string;
  /** Safety-net poll of the catalogs (SLUICE_CATALOG_POLL_MS), with ±10 % jitter. */
  pollMs: number;
  startTimeoutMs: number;
}

export interface TriggerDeps {
  db: Db;
  source: CatalogVersionSource;
  runtime: JobRuntime;
  clock: Clock;
  settings: TriggerSettings;
  log: FastifyBaseLogger;
  /** A job was created: the reconciler launches it. */
  jobCreated(): void;
}

type Trigger = 'publish' | 'poll' | 'cron' | 'activated' | 'job-ended';

const nextFire = (expression: string, after: Date) => new Cron(expression, { timezone: 'UTC', paused: true }).nextRun(after);

/** Longest a cron timer sleeps before looking again (the schedule may have changed meanwhile). */
const MAX_CRON_SLEEP_MS = 60_000;

/**
 * Fires scheduled batch versions: the version resolver on catalog publications and polls, cron
 * on its ticks. Each evaluation observes (latest catalog versions, the baseline), decides with
 * the pure resolver, acts (a job, or nothing) and records what it saw and why in the decision log.
 */
export class TriggerScheduler {
  private pollTimer?: NodeJS.Timeout;
  private cronTimer?: NodeJS.Timeout;
  private stopped = false;
  private cronCheck?: Promise<void>;
  private cronAgain = false;
  readonly sweeps = new SweepLog();

  constructor(private readonly deps: TriggerDeps) {
    deps.source.onPublished((event) => void this.guard(this.onPublished(event.realm, event.catalogHrn)));
    deps.clock.onJump(() => this.wakeCron());
  }

  start(): void {
    this.schedulePoll();
    // A tick missed while the service was down runs once now, not once per missed tick.
    this.wakeCron();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.cronTimer);
    await this.cronCheck;
  }

  /** The reconciler moved a version to `scheduled` (activate, resume, a job ended). */
  versionScheduled(versionId: string, trigger: Trigger): void {
    void this.guard(this.evaluateById(versionId, trigger));
    this.wakeCron();
  }

  /** A scheduled job completed: remember what it processed as the resolver's baseline. */
  async jobCompleted(version: PipelineVersionRow, jobId: string, processed: Record<string, number>): Promise<void> {
    const sameAsOutput = Object.entries(version.inputCatalogs).filter(([, hrn]) => hrn === version.outputCatalogHrn).map(([label]) => label);
    const output = (await this.deps.source.latestVersions(version.realm, [version.outputCatalogHrn])).get(version.outputCatalogHrn) ?? -1;
    await setResolverBaseline(this.deps.db, jobId, baselineAfterSuccess(processed, sameAsOutput, output));
  }

  private async guard(work: Promise<unknown>): Promise<void> {
    try {
      await work;
    } catch (error) {
      this.deps.log.error({ err: asError(error) }, 'trigger evaluation failed');
    }
  }

  private async onPublished(realm: string, catalogHrn: string): Promise<void> {
    const versions = await scheduledVersions(this.deps.db, 'resolver', realm);
    for (const version of versions) {
      if (Object.values(version.inputCatalogs).includes(catalogHrn)) await this.evaluate(version, 'publish');
    }
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    const jitter = this.deps.settings.pollMs * (0.9 + Math.random() * 0.2);
    this.sweeps.planned('poll', new Date(this.deps.clock.now().getTime() + jitter));
    this.pollTimer = setTimeout(() => {
      void this.guard(this.poll()).finally(() => this.schedulePoll());
    }, jitter);
    this.pollTimer.unref();
  }

  private async poll(): Promise<void> {
    const done = this.sweeps.begin('poll', () => this.deps.clock.now());
    const counts: SweepCounts = { evaluated: 0, jobsStarted: 0, decisionsRecorded: 0 };
    for (const version of await scheduledVersions(this.deps.db, 'resolver')) count(counts, await this.evaluate(version, 'poll'));
    await pruneDecisions(this.deps.db, 200);
    done(counts);
  }

  /**
   * Checks the cron schedules now. One check at a time: a wake during a check (the clock jumped,
   * a version was scheduled) runs one more check after it, instead of racing it.
   */
  private wakeCron(): void {
    if (this.stopped) return;
    if (this.cronCheck) {
      this.cronAgain = true;
      return;
    }
    clearTimeout(this.cronTimer);
    let sleep = MAX_CRON_SLEEP_MS;
    this.cronCheck = this.guard(this.checkCron().then((ms) => { sleep = ms; })).finally(() => {
      this.cronCheck = undefined;
      if (this.stopped) return;
      if (this.cronAgain) {
        this.cronAgain = false;
        this.wakeCron();
        return;
      }
      this.cronTimer = setTimeout(() => this.wakeCron(), sleep);
      this.sweeps.planned('cron', new Date(this.deps.clock.now().getTime() + sleep));
      this.cronTimer.unref();
    });
  }

  /** Takes every due tick once; returns how long to sleep until the next one. */
  private async checkCron(): Promise<number> {
    const now = this.deps.clock.now();
    let sleep = MAX_CRON_SLEEP_MS;
    const done = this.sweeps.begin('cron', () => this.deps.clock.now());
    const counts: SweepCounts = { evaluated: 0, jobsStarted: 0, decisionsRecorded: 0 };
    for (const version of await scheduledVersions(this.deps.db, 'cron')) {
      const expression = version.schedulerConfiguration!.timeTriggerOptions!.cronJobExpression;
      const reference = version.lastCronTick ?? version.updated;
      const due = nextFire(expression, reference);
      if (due && due <= now) {
        const next = nextFire(expression, now);
        if (await takeCronTick(this.deps.db, version.id, version.lastCronTick, now, next)) {
          count(counts, await this.evaluate({ ...version, lastCronTick: now, nextJobAttempt: next }, 'cron'));
        }
        if (next) sleep = Math.min(sleep, next.getTime() - now.getTime());
      } else if (due) {
        if (version.nextJobAttempt?.getTime() !== due.getTime()) await setNextJobAttempt(this.deps.db, version.id, due);
        sleep = Math.min(sleep, due.getTime() - now.getTime());
      }
    }
    done(counts);
    return Math.max(0, sleep);
  }

  private async evaluateById(versionId: string, trigger: Trigger): Promise<void> {
    const version = await findVersionById(this.deps.db, versionId);
    if (!version || version.runMode !== 'scheduled') return;
    if (version.schedulerConfiguration?.catalogTriggerOptions === 'version_resolver') await this.evaluate(version, trigger);
  }

  private async evaluate(version: PipelineVersionRow, trigger: Trigger): Promise<'started' | 'skipped'> {
    const { db, source, clock, runtime, settings } = this.deps;
    const labels = Object.keys(version.inputCatalogs);
    const latestByHrn = await source.latestVersions(version.realm, [...Object.values(version.inputCatalogs), version.outputCatalogHrn]);
    const latest = Object.fromEntries(labels.map((label) => [label, latestByHrn.get(version.inputCatalogs[label]) ?? -1]));
    const baseline = await resolverBaseline(db, version.id);
    const outputLatest = latestByHrn.get(version.outputCatalogHrn) ?? -1;
    const time = version.schedulerConfiguration?.timeTriggerOptions;
    // Cron ticks retry a failed range at each tick; catalog triggers wait for a new version.
    const attempt = trigger === 'cron' ? null : await lastAttempt(db, version.id);
    const resolution = resolve({ latest, baseline, outputLatest, force: trigger === 'cron' && time?.processingType === 'force', lastAttempt: attempt });
    const observed = { latest, baseline, outputLatest, state: version.state };
    const at = clock.now();
    const record = async (decision: 'started' | 'skipped', reason: string, jobId?: string) => {
      await recordDecision(db, { versionId: version.id, at, trigger, observed, decision, reason, jobId });
      this.deps.log.info({ versionId: version.id, trigger, decision, reason, observed }, 'trigger decision');
      return decision;
    };
    if (version.state === 'running') return record('skipped', 'a job of this version is still running');
    if (version.state === 'paused') return record('skipped', 'the version is paused');
    if (version.state !== 'scheduled') return record('skipped', `the version is ${version.state}`);
    if (!resolution.run) return record('skipped', resolution.reason);
    const jobId = randomUUID();
    const started = await startScheduledRun(db, {
      versionId: version.id,
      jobId,
      runtime: runtime.name,
      owner: settings.replicaId,
      workDir: runtime.workDirOf(jobId),
      executionMode: trigger === 'cron' ? 'time-schedule' : 'scheduled',
      catalogVersions: { inputCatalogs: resolution.inputs, outputCatalog: { baseVersion: resolution.outputBaseVersion } },
      message: `${trigger}: ${resolution.reason}`,
      startDeadline: new Date(at.getTime() + settings.startTimeoutMs),
      at,
    });
    if (!started) return record('skipped', 'the version was no longer scheduled when the job was to start');
    await record('started', resolution.reason, jobId);
    this.deps.jobCreated();
    return 'started';
  }
}

function count(counts: SweepCounts, decision: 'started' | 'skipped'): void {
  counts.evaluated++;
  counts.decisionsRecorded++;
  if (decision === 'started') counts.jobsStarted++;
}
