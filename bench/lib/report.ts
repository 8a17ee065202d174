import os from 'node:os';
import { median, percentile, type Comparison } from './ratio.js';

export interface Target {
  ratio: number;
  /** 'higher': throughput-like, the ratio must reach the target; 'lower': duration-like. */
  better: 'higher' | 'lower';
}

/** A target on a figure itself rather than on a ratio (e.g. p99 < 1000 ms, CPU < 5 % of a core). */
export interface AbsoluteTarget {
  /** The figure compared, e.g. the subject's p99. */
  figure: number;
  limit: number;
  better: 'higher' | 'lower';
  /** How the target reads in the table, e.g. 'p99 < 1000 ms'. */
  label: string;
}

export interface ResultRow extends Comparison {
  scenario: string;
  /** Store, runtime or other variant the row was measured on. */
  variant: string;
  /** Unit of the subject and baseline figures, e.g. 'req/s' or 'ms'. */
  unit: string;
  target?: Target;
  /** Checked instead of `target` when given. */
  absolute?: AbsoluteTarget;
  /**
   * How the ratio column is formed: 'rounds' (default), the median of the per-round ratios, for
   * throughput measured over rounds of equal length; 'medians', median subject / median baseline,
   * for latencies of single runs, where one slow run on either side would skew its round's ratio.
   */
  ratioOf?: 'rounds' | 'medians';
  /** Further columns, by title (e.g. server CPU per request), shown after the ratio. */
  extra?: Record<string, string>;
}

/** Single-run latencies in ms, subject against baseline run for run; the ratio is of the medians. */
export function latencyRow(scenario: string, variant: string, subject: number[], baseline: number[]): ResultRow {
  return { scenario, variant, unit: 'ms', subject, baseline, ratios: subject.map((s, i) => s / baseline[i]), ratioOf: 'medians' };
}

/** The column "p<p> ms (subject / baseline)" of a latency row. */
export function percentileColumn(p: number, subject: number[], baseline: number[]): Record<string, string> {
  return { [`p${p} ms (subject / baseline)`]: `${percentile(subject, p).toFixed(0)} / ${percentile(baseline, p).toFixed(0)}` };
}

/** What a reader needs to weigh the figures: the machine, the runtime, the date, the settings. */
export function printPreamble(title: string, settings: Record<string, string | number>): void {
  const cpus = os.cpus();
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`# ${title}`);
  console.log(`date       ${new Date().toISOString()}`);
  console.log(`machine    nproc ${os.availableParallelism()}, ${cpus[0]?.model ?? 'unknown cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${load}`);
  console.log(`runtime    node ${process.version} (${process.platform}/${process.arch})`);
  for (const [key, value] of Object.entries(settings)) console.log(`${key.padEnd(10)} ${value}`);
  console.log('');
}

const figure = (value: number) => (value >= 100 ? Math.round(value).toString() : value.toPrecision(3));

function absoluteVerdict(target: AbsoluteTarget): string {
  const met = target.better === 'higher' ? target.figure >= target.limit : target.figure < target.limit;
  return `${met ? 'PASS' : 'MISSED'} (${figure(target.figure)})`;
}

function verdict(ratio: number, target: Target | undefined): string {
  if (!target) return '';
  const met = target.better === 'higher' ? ratio >= target.ratio : ratio <= target.ratio;
  return met ? 'PASS' : 'BELOW target';
}

/** The per-round ratios, or past five rounds their range (a latency row has one round per run). */
function spread(ratios: number[]): string {
  if (ratios.length <= 5) return ratios.map((r) => r.toFixed(2)).join(' ');
  return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} (${ratios.length})`;
}

/** One line per row: median figures, the median ratio and its spread over the rounds. */
export function printTable(rows: ResultRow[]): void {
  const extras = [...new Set(rows.flatMap((row) => Object.keys(row.extra ?? {})))];
  const header = ['scenario', 'store', 'subject', 'baseline', 'ratio', 'rounds', ...extras, 'target', 'note'];
  const lines = rows.map((row) => {
    const ratio = row.ratioOf === 'medians' ? median(row.subject) / median(row.baseline) : median(row.ratios);
    const target = row.absolute ? row.absolute.label : row.target ? `${row.target.better === 'higher' ? '>=' : '<='} ${row.target.ratio}` : '-';
    return [
      row.scenario,
      row.variant,
      `${figure(median(row.subject))} ${row.unit}`,
      `${figure(median(row.baseline))} ${row.unit}`,
      ratio.toFixed(3),
      spread(row.ratios),
      ...extras.map((title) => row.extra?.[title] ?? '-'),
      target,
      row.absolute ? absoluteVerdict(row.absolute) : verdict(ratio, row.target),
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
  const format = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  console.log(format(header));
  console.log(format(widths.map((w) => '-'.repeat(w))));
  for (const line of lines) console.log(format(line));
}
