import { createHash } from 'node:crypto';
import { NO_VERSION, resolve, type Resolution } from './version-resolver.js';

/**
 * One evaluation of a scheduled version (behaviour notes §3), pure: from what the scheduler
 * observed, start a job or skip, and why. Also what makes two decisions "the same", so the
 * decision log grows only when something changed.
 */
export type Trigger = 'publish' | 'poll' | 'cron' | 'activated' | 'job-ended';

export interface Observed {
  /** Latest version of each input label's catalog. */
  latest: Record<string, number>;
  /** Input versions of the last completed job (null before the first). */
  baseline: Record<string, number> | null;
  outputLatest: number;
  /** The version's state when it was evaluated. */
  state: string;
}

export interface EvaluationInput {
  trigger: Trigger;
  /** Label → catalog HRN, and the output catalog, of the version. */
  inputCatalogs: Record<string, string>;
  outputCatalogHrn: string;
  state: string;
  /** Cron `processingType: force` (ignored for other triggers). */
  force: boolean;
  /** Latest version per catalog HRN (absent: no version). */
  latestByHrn: ReadonlyMap<string, number>;
  baseline: Record<string, number> | null;
  /** Input versions of the last job started, whatever its outcome. */
  lastAttempt: Record<string, number> | null;
}

export type Verdict =
  | { start: true; reason: string; resolution: Resolution; observed: Observed }
  | { start: false; reason: string; observed: Observed };

export function evaluate(input: EvaluationInput): Verdict {
  const latestOf = (hrn: string) => input.latestByHrn.get(hrn) ?? NO_VERSION;
  const latest = Object.fromEntries(Object.entries(input.inputCatalogs).map(([label, hrn]) => [label, latestOf(hrn)]));
  const outputLatest = latestOf(input.outputCatalogHrn);
  const observed: Observed = { latest, baseline: input.baseline, outputLatest, state: input.state };
  if (input.state === 'running') return { start: false, reason: 'a job of this version is still running', observed };
  if (input.state === 'paused') return { start: false, reason: 'the version is paused', observed };
  if (input.state !== 'scheduled') return { start: false, reason: `the version is ${input.state}`, observed };
  const cron = input.trigger === 'cron';
  const resolution = resolve({
    latest,
    baseline: input.baseline,
    outputLatest,
    force: cron && input.force,
    // Cron ticks retry a failed range at each tick; catalog triggers wait for a new version.
    lastAttempt: cron ? null : input.lastAttempt,
  });
  if (!resolution.run) return { start: false, reason: resolution.reason, observed };
  return { start: true, reason: resolution.reason, resolution, observed };
}

/** JSON with object keys sorted, so equal values give equal text whatever order they were built (or stored as jsonb) in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What a skip is compared by: the same trigger, outcome, reason and observation (hashed: it is stored on every row). */
export function decisionFingerprint(trigger: Trigger, decision: 'started' | 'skipped', reason: string, observed: Observed): string {
  return createHash('sha256').update(canonicalJson({ trigger, decision, reason, observed })).digest('base64url');
}

/**
 * A skip that only repeats the version's latest logged decision is counted on that row instead
 * of written again; a started job always gets its own row.
 */
export function repeatsPrevious(previous: { decision: string; fingerprint: string | null } | undefined, fingerprint: string): boolean {
  return previous !== undefined && previous.decision === 'skipped' && previous.fingerprint === fingerprint;
}

/** Input versions a job was given (its `catalogVersions.inputCatalogs`), or null when it has none. */
export function inputVersionsOf(catalogVersions: Record<string, unknown> | null | undefined): Record<string, number> | null {
  if (!catalogVersions) return null;
  const inputs = (catalogVersions.inputCatalogs ?? {}) as Record<string, { version: number }>;
  return Object.fromEntries(Object.entries(inputs).map(([label, v]) => [label, v.version]));
}
