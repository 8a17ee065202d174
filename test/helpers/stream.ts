import fs from 'node:fs/promises';
import type { Request } from './server.js';
import { waitFor } from './wait.js';

/** The counts the stream-counter example appended to its output file, in order. */
export async function countsIn(output: string): Promise<number[]> {
  const text = await fs.readFile(output, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '').map(Number);
}

/** Waits until the counter has written more than `count`. */
export async function countPast(output: string, count: number, timeoutMs = 30_000): Promise<number[]> {
  return waitFor(async () => {
    const counts = await countsIn(output);
    return counts.length > 0 && counts[counts.length - 1] > count ? counts : undefined;
  }, { timeoutMs, what: `the counter to count past ${count}` });
}

/** Where the sequence is not 1, 2, 3, …: a reset or a count written twice. */
export function breaksIn(counts: number[]): string[] {
  const breaks: string[] = [];
  counts.forEach((n, i) => { if (n !== i + 1) breaks.push(`line ${i + 1}: ${n}`); });
  return breaks.slice(0, 5);
}

/** The job's log, through the service (loggingUrl). */
export async function jobLog(api: Request, jobId: string): Promise<string> {
  const res = await api('GET', `/sluice/v1/jobs/${jobId}/log`);
  return res.text;
}

export async function waitForLog(api: Request, jobId: string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return waitFor(async () => pattern.exec(await jobLog(api, jobId)), { timeoutMs, what: `job ${jobId}'s log to match ${pattern}` });
}

/** SIGKILLs the processes (not their process group) whose command line mentions `text`: a JVM dying on its own. */
export async function killOnly(text: string): Promise<number> {
  let killed = 0;
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!cmdline.includes(text) || cmdline[0] === 'sh') continue;
    try { process.kill(Number(entry), 'SIGKILL'); killed++; } catch { /* already gone */ }
  }
  return killed;
}
