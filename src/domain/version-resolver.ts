/**
 * The version resolver (behaviour notes §3), pure: from each input catalog's latest version and
 * the input versions of the version's last successful job, which versions a job would process,
 * and whether it should run at all.
 */
export type ProcessingType = 'changes' | 'reprocess' | 'no_changes';

export interface ResolvedInput {
  processingType: ProcessingType;
  version: number;
  sinceVersion?: number;
}

/** Catalog versions: −1 is "before the first publication", as on the hosted Data API. */
export const NO_VERSION = -1;

export interface ResolverInput {
  /** Latest version of each input label's catalog (NO_VERSION when it has none). */
  latest: Record<string, number>;
  /** Input versions of the last completed job, or null before the first success. */
  baseline: Record<string, number> | null;
  /** Latest version of the output catalog when the job is created. */
  outputLatest: number;
  /** Cron `force`: run even when nothing changed, still reporting honest per-input types. */
  force: boolean;
  /**
   * Input versions of the last job started, whatever its outcome (null if none). A catalog
   * trigger runs only when some input moved past them: a failed job is not retried in a loop,
   * and the next publication covers its changes again (the baseline did not move).
   */
  lastAttempt?: Record<string, number> | null;
}

export interface Resolution {
  inputs: Record<string, ResolvedInput>;
  outputBaseVersion: number;
  run: boolean;
  /** Why it runs or not, in words, for the decision log. */
  reason: string;
}

export function resolveInput(latest: number, previous: number | undefined): ResolvedInput {
  if (latest === NO_VERSION) return { processingType: 'no_changes', version: NO_VERSION };
  if (previous === undefined || latest < previous) return { processingType: 'reprocess', version: latest };
  if (latest > previous) return { processingType: 'changes', sinceVersion: previous, version: latest };
  return { processingType: 'no_changes', version: latest };
}

export function resolve(input: ResolverInput): Resolution {
  const inputs: Record<string, ResolvedInput> = {};
  for (const [label, latest] of Object.entries(input.latest)) {
    inputs[label] = resolveInput(latest, input.baseline?.[label]);
  }
  const changed = Object.entries(inputs).filter(([, r]) => r.processingType !== 'no_changes').map(([label]) => label);
  const empty = Object.entries(inputs).filter(([, r]) => r.version === NO_VERSION).map(([label]) => label);
  let reason: string;
  if (changed.length > 0) reason = `changed inputs: ${changed.map((l) => `${l} (${describe(inputs[l])})`).join(', ')}`;
  else if (input.force) reason = 'nothing changed; runs anyway (processingType force)';
  else if (empty.length > 0 && empty.length === Object.keys(inputs).length) reason = 'no input catalog has a version yet';
  else reason = 'nothing changed since the last successful job';
  const attempt = input.lastAttempt;
  const retried = attempt && changed.length > 0 && !input.force
    && Object.entries(input.latest).every(([label, latest]) => attempt[label] === latest);
  if (retried) {
    return {
      inputs,
      outputBaseVersion: input.outputLatest,
      run: false,
      reason: 'the last job already tried these versions and did not complete; waiting for a new catalog version',
    };
  }
  return {
    inputs,
    outputBaseVersion: input.outputLatest,
    run: changed.length > 0 || input.force,
    reason,
  };
}

function describe(r: ResolvedInput): string {
  return r.processingType === 'changes' ? `changes ${r.sinceVersion}→${r.version}` : `${r.processingType} at ${r.version}`;
}

/**
 * The baseline a completed job leaves: the input versions it processed, except where an input
 * catalog is also the output catalog, where the job's own commits must not look like new input
 * (or the version would trigger itself forever): there the output's version at completion counts.
 */
export function baselineAfterSuccess(
  processed: Record<string, number>,
  labelsReadingOutput: string[],
  outputLatestAtEnd: number,
): Record<string, number> {
  const baseline = { ...processed };
  for (const label of labelsReadingOutput) baseline[label] = Math.max(baseline[label] ?? NO_VERSION, outputLatestAtEnd);
  return baseline;
}
