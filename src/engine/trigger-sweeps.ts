import { performance } from 'node:perf_hooks';
import { signals } from '../telemetry/signals.js';

/** One pass of the scheduler over many versions: a catalog poll, or a cron check that took ticks. */
export interface Sweep {
  started: Date;
  finished: Date;
  /** Wall-clock duration (not the service clock, which a test may move). */
  durationMs: number;
  /** Versions evaluated (each reached a decision). */
  evaluated: number;
  jobsStarted: number;
  /** Decisions written as new rows (the rest repeated the version's previous decision). */
  decisionsRecorded: number;
}

export interface SweepCounts {
  evaluated: number;
  jobsStarted: number;
  decisionsRecorded: number;
}

export interface SweepKindStatus {
  /** Sweeps finished since the service started (cron: only checks that took at least one tick). */
  count: number;
  last?: Sweep;
  /** When the next one is planned, if a timer is set. */
  nextAt?: Date;
}

export type SweepKind = 'poll' | 'cron';

/**
 * What the scheduler did lately, for the status route: operators (and the benchmark) can see
 * how long a poll of every version takes without reading the logs.
 */
export class SweepLog {
  private readonly kinds: Record<SweepKind, SweepKindStatus> = { poll: { count: 0 }, cron: { count: 0 } };

  /** Starts timing a sweep; call the result with its counts once it ends. */
  begin(kind: SweepKind, now: () => Date): (counts: SweepCounts) => void {
    const started = now();
    const t0 = performance.now();
    return (counts) => {
      if (kind === 'cron' && counts.evaluated === 0) return;
      const status = this.kinds[kind];
      status.count++;
      status.last = { started, finished: now(), durationMs: performance.now() - t0, ...counts };
      signals.emit('trigger.sweep', { kind, durationMs: status.last.durationMs, evaluated: counts.evaluated, jobsStarted: counts.jobsStarted });
    };
  }

  planned(kind: SweepKind, at: Date | undefined): void {
    this.kinds[kind].nextAt = at;
  }

  status(): Record<SweepKind, SweepKindStatus> {
    return { poll: { ...this.kinds.poll }, cron: { ...this.kinds.cron } };
  }
}
