import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { signToken, type TokenRequest } from '../../src/auth/verifier.js';
import { assertNoSecretsIn, rememberDatabasePassword, rememberSecret, rememberSecretsIn } from './secrets.js';

/** The two stores every API test runs on. */
export type StoreKind = 'pglite' | 'postgres';
export const STORES: StoreKind[] = ['pglite', 'postgres'];

export const POSTGRES_URL = process.env.SLUICE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_SECRET = 'sluice-test-secret-' + 'x'.repeat(20);

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/src/cli/main.js, next to dist/test/helpers. */
export const CLI = path.resolve(here, '../../src/cli/main.js');

export interface Store {
  kind: StoreKind;
  env: Record<string, string>;
  /** Drops the PostgreSQL schema / removes the data folder. */
  dispose(): Promise<void>;
}

/**
 * A fresh store for one test file: a new data folder always, and on PostgreSQL a schema named
 * from a hash of the test and a random part, so parallel files and runs never collide.
 */
export async function createStore(kind: StoreKind, label: string): Promise<Store> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-test-'));
  const env: Record<string, string> = { SLUICE_DATA_DIR: dataDir };
  let schema: string | undefined;
  const template = process.env.SLUICE_TEST_PGLITE_TEMPLATE;
  if (kind === 'pglite' && template) await fs.cp(template, path.join(dataDir, 'pglite'), { recursive: true });
  if (kind === 'postgres') {
    const hash = createHash('sha1').update(label).digest('hex').slice(0, 8);
    schema = `t_${hash}_${randomBytes(4).toString('hex')}`;
    env.DATABASE_URL = POSTGRES_URL;
    env.SLUICE_DATABASE_SCHEMA = schema;
  }
  return {
    kind,
    env,
    async dispose() {
      // Jobs run detached from the server; end any a test left running (their command lines name the data folder).
      await killProcessesMentioning(dataDir);
      if (schema) {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        try {
          await client.query(`drop schema if exists ${schema} cascade`);
        } finally {
          await client.end();
        }
      }
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** SIGKILLs the process group of every process whose command line mentions `text`. */
export async function killProcessesMentioning(text: string): Promise<number> {
  let killed = 0;
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes(text)) continue;
    try {
      process.kill(-Number(entry), 'SIGKILL');
      killed++;
    } catch {
      try { process.kill(Number(entry), 'SIGKILL'); killed++; } catch { /* already gone */ }
    }
  }
  return killed;
}

export interface TestServer {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Where tests keep the files their jobs read and write (word lists, counts…). Servers share it
 * with every job (SLUICE_JOB_SHARED_DIRS): an isolated job sees nothing else of the host, and
 * runs as the job user, so each folder made here is open to every user.
 */
export const JOB_DATA_ROOT = path.join(os.tmpdir(), 'sluice-job-data');

/** A fresh folder under JOB_DATA_ROOT that a job running as the job user can read and write. */
export async function jobDataDir(prefix: string): Promise<string> {
  await fs.mkdir(JOB_DATA_ROOT, { recursive: true });
  await fs.chmod(JOB_DATA_ROOT, 0o1777);
  const dir = await fs.mkdtemp(path.join(JOB_DATA_ROOT, prefix));
  await fs.chmod(dir, 0o777);
  return dir;
}

/** The child's environment: the test defaults, the store's, then `extraEnv`, where `undefined` removes a variable. */
function serverEnv(store: Store, extraEnv: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    SLUICE_JWT_SECRET: TEST_SECRET,
    SLUICE_LOG_LEVEL: 'info',
    SLUICE_JOB_SHARED_DIRS: JOB_DATA_ROOT,
    ...store.env,
    ...extraEnv,
  };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * Starts `sluice serve` as a child process on a free port and waits until it listens.
 * `extraEnv` overrides the defaults; `{ SLUICE_JWT_SECRET: undefined }` starts it without one.
 */
export async function startTestServer(store: Store, extraEnv: Record<string, string | undefined> = {}): Promise<TestServer> {
  const env = serverEnv(store, extraEnv);
  for (const name of ['SLUICE_JWT_SECRET', 'SLUICE_METRICS_TOKEN', 'SLUICE_METADATA_TOKEN']) rememberSecret(env[name]);
  rememberDatabasePassword(env.DATABASE_URL);
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    output: () => output,
    /** Stops the server, then fails (the test or hook that stops it) if its output holds a token or a secret. */
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      assertNoSecretsIn(output, `the output of the server at ${url}`);
      return code;
    },
  };
}

export interface Caller {
  token: string;
  realm: string;
}

export async function tokenFor(request: Partial<TokenRequest> & { realm: string }): Promise<string> {
  return rememberSecret(await signToken(new TextEncoder().encode(TEST_SECRET), { subject: 'user-1', ...request }));
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: BodyInit;
  headers?: Record<string, string>;
}

/** A small HTTP client over fetch; JSON in, JSON (when there is some) out. */
export function client(baseUrl: string, defaultToken?: string) {
  return async function request<T = any>(method: string, urlPath: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? defaultToken : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    rememberSecret(headers.authorization?.replace(/^\S+\s+/, ''));
    let body: BodyInit | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
      rememberSecretsIn(options.body);
    }
    const response = await fetch(baseUrl + urlPath, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text && (response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    rememberSecretsIn(parsed);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };
}

export type Request = ReturnType<typeof client>;
