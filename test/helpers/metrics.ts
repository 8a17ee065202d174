import { Readable } from 'node:stream';
import { getMetricsFromStream, type PromHistogramData, type PromData, type PromMetric } from 'prom2javascript';
import type { Request } from './server.js';

export type Families = Map<string, PromMetric>;

/**
 * A Prometheus text exposition, parsed (prom2javascript) into metric families by name. Samples
 * whose value is NaN are left out first: prom-client writes `Nan` (the event loop's lag before it
 * has a sample), which Prometheus reads but prom2javascript refuses, failing the whole parse.
 */
export async function parseExposition(text: string): Promise<Families> {
  const withoutNaN = text.split('\n').filter((line) => line.startsWith('#') || !/\sNaN$/i.test(line)).join('\n');
  return new Map(Object.entries(await getMetricsFromStream(Readable.from([withoutNaN]))));
}

/** GET /metrics, parsed. */
export async function scrape(request: Request): Promise<Families> {
  const res = await request('GET', '/metrics');
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${res.text}`);
  return parseExposition(res.text);
}

const matches = (sample: { labels: Record<string, string> }, labels: Record<string, string>) =>
  Object.entries(labels).every(([k, v]) => sample.labels[k] === v);

/** A counter's or gauge's value for these labels (0 when no such series), summed over the other labels. */
export function valueOf(families: Families, name: string, labels: Record<string, string> = {}): number {
  const data = (families.get(name)?.data ?? []) as PromData[];
  return data.filter((s) => matches(s, labels)).reduce((sum, s) => sum + s.value, 0);
}

/** A histogram's observation count for these labels, summed over the other labels. */
export function countOf(families: Families, name: string, labels: Record<string, string> = {}): number {
  const data = (families.get(name)?.data ?? []) as PromHistogramData[];
  return data.filter((s) => matches(s, labels)).reduce((sum, s) => sum + s.count, 0);
}

/** Every label value of one label across a family's series. */
export function labelValues(families: Families, name: string, label: string): Set<string> {
  return new Set(((families.get(name)?.data ?? []) as { labels: Record<string, string> }[]).map((s) => s.labels[label]));
}
