import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fakes', 'flink-jobmanager', 'main.js');

export interface FakeJobManagerOptions {
  flinkVersion?: string;
  basic?: { user: string; password: string };
  bearer?: string;
  tls?: { cert: string; key: string };
  checkpointIntervalMs?: number;
  savepointPolls?: number;
  startPolls?: number;
  asyncTtlMs?: number;
  savepointDir?: string;
  checkpointDir?: string;
}

/** What the fake recorded of a job's run request and where the job is now. */
export interface FakeJobRecord {
  id: string;
  jarId: string;
  entryClass: string | null;
  programArgsList: string[];
  fetchedFiles: Record<string, string>;
  savepoints: string[];
  parallelism: number | null;
  savepointPath: string | null;
  restoreMode: string | null;
  flinkConfiguration: Record<string, string>;
  state: string;
  restarts: number;
}

export interface FakeCalls { total: number; handleMs: number; byRoute: Record<string, number>; byJob: Record<string, number> }

/** A fake JobManager in its own process, and the test's handle on it. */
export async function startFakeJobManager(options: FakeJobManagerOptions = {}) {
  const args = [MAIN, '--flink-version', options.flinkVersion ?? '1.19.1'];
  if (options.basic) args.push('--basic', `${options.basic.user}:${options.basic.password}`);
  if (options.bearer) args.push('--bearer', options.bearer);
  if (options.tls) args.push('--tls-cert', options.tls.cert, '--tls-key', options.tls.key);
  if (options.checkpointIntervalMs !== undefined) args.push('--checkpoint-interval-ms', String(options.checkpointIntervalMs));
  if (options.savepointPolls !== undefined) args.push('--savepoint-polls', String(options.savepointPolls));
  if (options.startPolls !== undefined) args.push('--start-polls', String(options.startPolls));
  if (options.asyncTtlMs !== undefined) args.push('--async-ttl-ms', String(options.asyncTtlMs));
  if (options.savepointDir) args.push('--savepoint-dir', options.savepointDir);
  if (options.checkpointDir) args.push('--checkpoint-dir', options.checkpointDir);
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake jobmanager exited with ${code} before listening`)));
  });
  const { restUrl, controlUrl } = JSON.parse(first) as { restUrl: string; controlUrl: string };
  const control = async <T = unknown>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${controlUrl}${route}`, {
      method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'Content-Type': 'application/json' },
    });
    const answer = await res.json() as T;
    if (!res.ok) throw new Error(`fake control ${method} ${route}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  return {
    restUrl,
    pid: child.pid!,
    jobs: () => control<FakeJobRecord[]>('GET', '/jobs'),
    job: async (id: string) => (await control<FakeJobRecord[]>('GET', '/jobs')).find((j) => j.id === id),
    jars: () => control<{ id: string; name: string }[]>('GET', '/jars'),
    calls: () => control<FakeCalls>('GET', '/calls'),
    disposed: () => control<string[]>('GET', '/disposed'),
    resetCalls: () => control('POST', '/calls/reset'),
    failJob: (id: string, failure: { exceptionName?: string; message?: string; restart?: boolean }) => control('POST', `/jobs/${id}/fail`, failure),
    finishJob: (id: string) => control('POST', `/jobs/${id}/finish`),
    failNextSavepoint: (message: string, jobId = '*') => control('POST', '/savepoint-failures', { jobId, message }),
    failNextMain: (message: string, entryClass = '*') => control('POST', '/main-failures', { entryClass, message }),
    forgetJars: () => control('POST', '/forget-jars'),
    unreachableFor: (ms: number) => control('POST', '/unreachable', { ms }),
    hangFor: (ms: number) => control('POST', '/hang', { ms }),
    restUp: async () => (await control<{ restUp: boolean }>('GET', '/health')).restUp,
    settings: (s: { checkpointIntervalMs?: number; savepointPolls?: number; asyncResultTtlMs?: number }) => control('POST', '/settings', s),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export type FakeJobManager = Awaited<ReturnType<typeof startFakeJobManager>>;

/** A self-signed certificate for 127.0.0.1 (made with openssl), and its folder to remove. */
export function selfSignedCertificate(): { cert: string; key: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-flink-tls-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { cert, key, dir };
}
