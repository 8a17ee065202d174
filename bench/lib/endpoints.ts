import type { BenchSettings } from '../types.js';
import { closedLoop } from './load.js';
import { interleaved, type Comparison } from './ratio.js';
import type { BenchServer } from './servers.js';

/** One GET on one server, as the load generator sends it again and again. */
export interface Endpoint {
  server: BenchServer;
  path: string;
  headers?: Record<string, string>;
  /** Default 200. */
  expectStatus?: number;
}

export interface EndpointComparison {
  /** Responses per second. */
  throughput: Comparison;
  /**
   * CPU time of the server process per response, in µs: the figure least disturbed by other
   * load on the machine (NaN where /proc is not there).
   */
  cpu: Comparison;
}

/** Endpoints already warmed up in this process (a baseline serves several scenarios). */
const warm = new Set<string>();

/**
 * Measures each subject against the baseline, interleaved round by round (see ratio.ts), after
 * warming every endpoint up: Sluice's CPU per request falls for its first ~3,000 requests.
 */
export async function compareEndpoints(
  settings: BenchSettings,
  baseline: Endpoint,
  subjects: Endpoint[],
  onRound: (round: number, subjects: number[], baseline: number) => void = () => {},
): Promise<EndpointComparison[]> {
  const cpu = new Map<Endpoint, number[]>([baseline, ...subjects].map((endpoint) => [endpoint, []]));
  const measure = async (endpoint: Endpoint, warmupSeconds: number, seconds: number) => {
    const result = await closedLoop({
      url: endpoint.server.url,
      path: endpoint.path,
      headers: endpoint.headers,
      expectStatus: endpoint.expectStatus,
      concurrency: settings.concurrency,
      warmupSeconds,
      seconds,
      probe: () => endpoint.server.cpuSeconds(),
    });
    const used = result.probeDelta !== undefined && result.completed > 0 ? (result.probeDelta * 1e6) / result.completed : NaN;
    cpu.get(endpoint)!.push(used);
    return result.requestsPerSecond;
  };
  const warmUp = async (endpoint: Endpoint) => {
    const key = `${endpoint.server.pid} ${endpoint.server.url}${endpoint.path}`;
    if (warm.has(key)) return;
    warm.add(key);
    const step = Math.min(1, settings.warmupCapSeconds);
    for (let answered = 0, spent = 0; answered < settings.warmupRequests && spent < settings.warmupCapSeconds; spent += step) {
      answered += (await measure(endpoint, 0, step)) * step;
    }
  };
  for (const endpoint of [baseline, ...subjects]) await warmUp(endpoint);
  for (const figures of cpu.values()) figures.length = 0;

  const throughput = await interleaved(
    settings.rounds,
    () => measure(baseline, settings.warmupSeconds, settings.seconds),
    subjects.map((subject) => () => measure(subject, settings.warmupSeconds, settings.seconds)),
    onRound,
  );
  const baselineCpu = cpu.get(baseline)!;
  return subjects.map((subject, i) => {
    const subjectCpu = cpu.get(subject)!;
    return {
      throughput: throughput[i],
      cpu: { subject: subjectCpu, baseline: baselineCpu, ratios: subjectCpu.map((used, round) => used / baselineCpu[round]) },
    };
  });
}
