/**
 * A driver's log lives on the worker that ran it, served by that worker's web UI
 * (`spark.worker.ui.port`, 8081): `/logPage/?driverId=…&logType=stderr` for people, `/log?…` as
 * plain text. Sluice links the job's `loggingUrl` to the page rather than proxying it: the log
 * is the cluster's, readable as the cluster's UI allows, and a proxy would make every replica a
 * path into the cluster's network. The status answer names the worker by `workerHostPort`
 * (its RPC address); its UI is on the same host.
 */
export function driverLogPageUrl(workerHostPort: string, workerUiPort: number, driverId: string, logType: 'stdout' | 'stderr' = 'stderr'): string {
  return `http://${hostOf(workerHostPort)}:${workerUiPort}/logPage/?driverId=${encodeURIComponent(driverId)}&logType=${logType}`;
}

/**
 * The last `bytes` of the driver's stderr, or null when the worker's UI cannot be read (it is
 * gone, or not reachable from Sluice): a failure message then goes without the log's last words.
 */
export async function driverLogTail(workerHostPort: string, workerUiPort: number, driverId: string, options: { bytes?: number; timeoutMs?: number } = {}): Promise<string | null> {
  const url = `http://${hostOf(workerHostPort)}:${workerUiPort}/log?driverId=${encodeURIComponent(driverId)}&logType=stderr&byteLength=${options.bytes ?? 16_384}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) });
    if (!response.ok) return null;
    return await response.text();
  } catch {
    return null;
  }
}

function hostOf(hostPort: string): string {
  const colon = hostPort.lastIndexOf(':');
  return colon > 0 ? hostPort.slice(0, colon) : hostPort;
}
