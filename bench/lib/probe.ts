import { performance } from 'node:perf_hooks';
import type { Request } from '../../test/helpers/server.js';

export interface ProbeLatencies {
  /** GET /health: answered without the store, so it measures the event loop alone. */
  health: number[];
  /** GET of a version: also waits for the store (on PGlite, for its one connection). */
  version: number[];
}

/**
 * Asks the server, one request at a time with `pauseMs` between, whether it still answers
 * quickly, until stopped: the latencies show how much a running sweep holds the service up.
 */
export function startProbe(api: Request, versionPath: string, pauseMs = 20): { stop(): Promise<ProbeLatencies> } {
  const latencies: ProbeLatencies = { health: [], version: [] };
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const [path, into] of [['/health', latencies.health], [versionPath, latencies.version]] as const) {
        const started = performance.now();
        const res = await api('GET', path);
        if (res.status !== 200) throw new Error(`probe GET ${path}: ${res.status} ${res.text.slice(0, 300)}`);
        into.push(performance.now() - started);
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}
