import { Readable } from 'node:stream';
import type { JobLog } from '../job-log.js';

/**
 * A driver's log lives on the worker that ran it, served by that worker's web UI
 * (`spark.worker.ui.port`, 8081): `/logPage/?driverId=…&logType=stderr` for people, `/log?…` as
 * plain text by byte range. Sluice proxies it: the job's `loggingUrl` stays Sluice's own route
 * (authenticated and realm-checked like every other, with Range, tail and follow), and reads the
 * worker's `/log` by offset. The status answer names the worker by `workerHostPort` (its RPC
 * address); its UI is on the same host.
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

/** `==== Bytes 0-120 of 120 of /work/driver-…/stderr ====` */
const HEADER = /^==== Bytes (\d+)-(\d+) of (\d+) of .* ====\n/;

/** The driver's stderr as the log route reads a job's log, by byte range from the worker's UI. */
export function driverJobLog(jobs: { workerOf(handle: { submissionId: string }): Promise<string | null>; settings: { workerUiPort: number } }, handle: { submissionId: string }): JobLog {
  const read = async (offset: number, length: number): Promise<{ total: number; bytes: Buffer }> => {
    const worker = await jobs.workerOf(handle);
    if (!worker) return { total: 0, bytes: Buffer.alloc(0) };
    const url = `http://${hostOf(worker)}:${jobs.settings.workerUiPort}/log?driverId=${encodeURIComponent(handle.submissionId)}&logType=stderr&offset=${offset}&byteLength=${length}`;
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
    if (!response?.ok) return { total: 0, bytes: Buffer.alloc(0) };
    const text = Buffer.from(await response.arrayBuffer());
    const match = HEADER.exec(text.subarray(0, 1024).toString('utf8'));
    if (!match) return { total: 0, bytes: Buffer.alloc(0) };
    return { total: Number(match[3]), bytes: text.subarray(Buffer.byteLength(match[0])) };
  };
  return {
    size: async () => (await read(0, 0)).total,
    read: (start, end) => Readable.from((async function* () {
      const { bytes } = await read(start, end - start + 1);
      if (bytes.length > 0) yield bytes;
    })()),
  };
}
