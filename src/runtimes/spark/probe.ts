import { StandaloneRestSubmitter } from './standalone-rest.js';
import { ClusterRejected, ClusterUnavailable } from './submitter.js';

export interface ProbeFinding {
  ok: boolean;
  check: string;
  detail: string;
}

export interface ProbeOptions {
  restUrl: string;
  /** The `sparkVersion` the binding will send; compared with the master's. */
  sparkVersion?: string;
  /** A submission id to show the state of (a driver submitted earlier). */
  driverId?: string;
  timeoutMs?: number;
}

/** A submission id no master has handed out (driver ids carry their submission time). */
const NO_SUCH_DRIVER = 'driver-19700101000000-0000';

/**
 * What `npm run check:spark -- <rest-url>` tells about a Spark master before a runtime catalog
 * binds an environment to it. Read-only: it only asks (GET) and never submits or kills:
 * 1. the REST submission server answers at all, as Spark's (the root path is an ErrorResponse
 *    naming the server's Spark version);
 * 2. the master is ALIVE (a status request is answered; a standby master says it is not ALIVE);
 * 3. the master's Spark version against the one the binding will send;
 * 4. optionally, one driver's state.
 */
export async function probeSparkMaster(options: ProbeOptions): Promise<ProbeFinding[]> {
  const restUrl = options.restUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const findings: ProbeFinding[] = [];
  let serverVersion: string | undefined;
  try {
    const response = await fetch(`${restUrl}/`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    const answer = parseObject(text);
    if (answer?.action === 'ErrorResponse' && typeof answer.serverSparkVersion === 'string') {
      serverVersion = answer.serverSparkVersion;
      findings.push({ ok: true, check: 'REST submission server', detail: `answers at ${restUrl} (Spark ${serverVersion})` });
    } else {
      findings.push({ ok: false, check: 'REST submission server', detail: `${restUrl}/ answered HTTP ${response.status} without a Spark ErrorResponse: not a Spark REST submission server (the web UI is on 8080, the REST server on 6066 with spark.master.rest.enabled=true)` });
      return findings;
    }
  } catch (error) {
    findings.push({ ok: false, check: 'REST submission server', detail: `cannot reach ${restUrl}: ${error instanceof Error ? error.message : String(error)} (is spark.master.rest.enabled=true on the master, and port 6066 open to Sluice?)` });
    return findings;
  }

  const submitter = new StandaloneRestSubmitter({ restUrl, sparkVersion: options.sparkVersion ?? serverVersion, timeoutMs });
  try {
    await submitter.status(NO_SUCH_DRIVER);
    findings.push({ ok: true, check: 'master state', detail: 'ALIVE: answers driver status requests, so it takes submissions' });
  } catch (error) {
    const detail = error instanceof ClusterUnavailable || error instanceof ClusterRejected ? error.message : String(error);
    findings.push({ ok: false, check: 'master state', detail: `${detail} (a standby master of an HA pair: point restUrl at the active one)` });
  }

  if (options.sparkVersion) {
    const same = majorMinor(options.sparkVersion) === majorMinor(serverVersion);
    findings.push({
      ok: same,
      check: 'Spark version',
      detail: same
        ? `the binding's ${options.sparkVersion} matches the master's ${serverVersion}`
        : `the binding says ${options.sparkVersion}, the master runs ${serverVersion}: jobs' Spark libraries (provided) must match the cluster's ${majorMinor(serverVersion)}`,
    });
  }

  if (options.driverId) {
    try {
      const status = await submitter.status(options.driverId);
      findings.push(status.found
        ? { ok: true, check: `driver ${options.driverId}`, detail: `${status.state}${status.worker ? ` on ${status.worker.hostPort} (${status.worker.id})` : ''}${status.message ? `: ${status.message.split('\n').slice(0, 2).join(' ')}` : ''}` }
        : { ok: false, check: `driver ${options.driverId}`, detail: 'the master does not know this driver' });
    } catch (error) {
      findings.push({ ok: false, check: `driver ${options.driverId}`, detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return findings;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

const majorMinor = (version: string | undefined) => (version ?? '').split('.').slice(0, 2).join('.');
