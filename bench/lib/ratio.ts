/**
 * Ratios against a baseline measured in the same run. The machine is shared and noisy, so an
 * absolute figure means little from one run to the next; a subject and its baseline measured
 * back to back see the same load. Rounds alternate the order (B S1…Sn, then Sn…S1 B, …) so that
 * a steady drift during a round favours neither side, and the median of the per-round ratios
 * is kept.
 */
export interface Comparison {
  /** One figure per round, in round order. */
  subject: number[];
  baseline: number[];
  /** subject / baseline, per round. */
  ratios: number[];
}

export type Measure = () => Promise<number>;

/** One Comparison per subject, each against the baseline measured in the same round. */
export async function interleaved(
  rounds: number,
  measureBaseline: Measure,
  measureSubjects: Measure[],
  onRound: (round: number, subjects: number[], baseline: number) => void = () => {},
): Promise<Comparison[]> {
  const results: Comparison[] = measureSubjects.map(() => ({ subject: [], baseline: [], ratios: [] }));
  for (let round = 0; round < rounds; round++) {
    const subjects: number[] = new Array(measureSubjects.length);
    const runSubjects = async (order: number[]) => {
      for (const i of order) subjects[i] = await measureSubjects[i]();
    };
    const forward = measureSubjects.map((_, i) => i);
    let baseline: number;
    if (round % 2 === 0) {
      baseline = await measureBaseline();
      await runSubjects(forward);
    } else {
      await runSubjects(forward.reverse());
      baseline = await measureBaseline();
    }
    subjects.forEach((subject, i) => {
      results[i].subject.push(subject);
      results[i].baseline.push(baseline);
      results[i].ratios.push(subject / baseline);
    });
    onRound(round, subjects, baseline);
  }
  return results;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile (p in 0..100): a value that was measured, never an interpolation. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}
