import type { ResultRow } from './lib/report.js';

/** Shared by every benchmark; from the environment, see main.ts. */
export interface BenchSettings {
  /** Measured time of one measurement. */
  seconds: number;
  /** Uncounted lead-in of every measurement (connections re-warmed after a switch of server). */
  warmupSeconds: number;
  /** Before its first round, each side runs uncounted until it has answered this many requests… */
  warmupRequests: number;
  /** …or for this long, whichever comes first. */
  warmupCapSeconds: number;
  rounds: number;
  /** Requests in flight for closed-loop load. */
  concurrency: number;
  /** Also measure with request logging at info (a few more measurements). */
  infoLogging: boolean;
}

export interface Benchmark {
  /** Selected on the command line by any part of it: `node dist/bench/main.js api`. */
  name: string;
  /** false: runs only when named on the command line (diagnostics, slow or narrow benchmarks). */
  byDefault?: boolean;
  description: string;
  /** Printed under the table: what was measured and how. */
  notes: string[];
  run(settings: BenchSettings, log: (line: string) => void): Promise<ResultRow[]>;
}
