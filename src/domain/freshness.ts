/**
 * Freshness deadlines (README: "Freshness deadlines"), a Sluice extension of the scheduler
 * configuration: `freshnessOptions: { maxAge: "PT6H" }` says the version's output catalog must
 * get a new version within six hours, while the version is scheduled. Pure: the watcher in
 * engine/ reads the catalog source and the store, and writes what `judgeFreshness` decides.
 */
import type { FieldError } from './errors.js';

export interface FreshnessOptions {
  /** ISO 8601 duration of days, hours, minutes and seconds (`P1D`, `PT6H`, `PT90M`). */
  maxAge: string;
}

/** Shortest deadline: catalogs are polled about once a minute, a shorter one could not be kept to. */
export const MIN_MAX_AGE_MS = 60_000;
/** Longest: a year; past that, a deadline is a misunderstanding. */
export const MAX_MAX_AGE_MS = 366 * 24 * 3600_000;

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Milliseconds of an ISO 8601 duration in days, hours, minutes, seconds; undefined if it is not one. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

export function freshnessProblems(options: FreshnessOptions, at: string): FieldError[] {
  const ms = durationMs(options.maxAge);
  const problem = ms === undefined
    ? 'must be an ISO 8601 duration of days, hours, minutes and seconds, such as PT6H or P1DT12H'
    : ms < MIN_MAX_AGE_MS ? 'must be at least one minute (PT1M)'
      : ms > MAX_MAX_AGE_MS ? 'must be at most 366 days (P366D)' : undefined;
  return problem ? [{ field: `${at}/maxAge`, message: problem, invalidValue: options.maxAge, code: 'E1000' }] : [];
}

/** What the store keeps of a watched version: the last output catalog version seen, since when, and whether it is late. */
export interface FreshnessWatch {
  seenVersion: number;
  freshSince: Date;
  missedAt: Date | null;
}

export interface FreshnessJudgement {
  watch: FreshnessWatch;
  /** The deadline was just missed, or a new output version just cleared a miss. */
  event?: 'missed' | 'met';
}

/**
 * The next state of a watch, given the latest output catalog version now. A newer version makes
 * the output fresh from now (Sluice sees versions when it polls, so "now" is at most a poll
 * interval after the publication), and clears a miss. Without one, the deadline is missed once
 * `maxAgeMs` have passed since the output was last fresh; the miss is raised once, not at every look.
 */
export function judgeFreshness(watch: FreshnessWatch, latestVersion: number, maxAgeMs: number, now: Date): FreshnessJudgement {
  if (latestVersion > watch.seenVersion) {
    const fresh = { seenVersion: latestVersion, freshSince: now, missedAt: null };
    return watch.missedAt ? { watch: fresh, event: 'met' } : { watch: fresh };
  }
  if (!watch.missedAt && now.getTime() - watch.freshSince.getTime() > maxAgeMs) {
    return { watch: { ...watch, missedAt: now }, event: 'missed' };
  }
  return { watch };
}
