import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TEST_SECRET } from '../../test/helpers/server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/src/cli/main.js, seen from dist/bench/lib. */
export const SLUICE_CLI = path.resolve(here, '../../src/cli/main.js');
/** dist/bench/lib/bare-fastify.js. */
export const BARE_FASTIFY = path.resolve(here, 'bare-fastify.js');
/** dist/bench/lib/floor-service.js. */
export const FLOOR_SERVICE = path.resolve(here, 'floor-service.js');
/** Preloaded into every server started here; its stderr line is matched by ANNOUNCEMENT. */
const ANNOUNCE_PORT = path.resolve(here, 'announce-port.js');
const ANNOUNCEMENT = /^bench-listening (\S+) (\d+)$/m;

export interface ProcessSpec {
  /** Shown in errors and in the bench output. */
  name: string;
  /** A Node.js script, started with announce-port.js preloaded and PORT=0. */
  script: string;
  args: string[];
  /** The whole environment of the child (nothing is inherited but what is given here). */
  env: Record<string, string>;
  /** Answers 200 once the process serves requests. */
  readyPath: string;
  startTimeoutMs?: number;
}

export interface BenchServer {
  name: string;
  url: string;
  pid: number;
  /** Everything the process wrote so far (stdout and stderr, interleaved). */
  output(): string;
  /** User + system CPU seconds the process has used so far; NaN where /proc is not there. */
  cpuSeconds(): number;
  /** 'running', or how the process ended (for error messages). */
  state(): string;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on every Linux we run on). */
const USER_HZ = 100;

export function cpuSecondsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return NaN;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** The last lines of a process's output, for error messages. */
export function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

/**
 * Starts a Node.js server with PORT=0, learns its port from announce-port.js and waits until
 * `readyPath` answers 200. The output goes to a file, not a pipe, so that a server logging every
 * request (info) does not make the bench process, which shares the cores, read megabytes of log.
 */
export async function startProcess(spec: ProcessSpec): Promise<BenchServer> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sluice-bench-log-'));
  const logFile = path.join(dir, 'output.log');
  const fd = fs.openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['--import', pathToFileURL(ANNOUNCE_PORT).href, spec.script, ...spec.args], {
      // PORT: 0 unless the spec fixes one (a server that must know its address before it starts).
      env: { PORT: '0', HOST: '127.0.0.1', ...spec.env },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    fs.closeSync(fd);
  }
  const output = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const deadline = Date.now() + (spec.startTimeoutMs ?? 60_000);
  let url: string | undefined;
  for (;;) {
    const announced = url ? undefined : ANNOUNCEMENT.exec(output());
    if (announced) url = `http://127.0.0.1:${announced[2]}`;
    if (url && (await answers(url + spec.readyPath))) break;
    if (!isRunning()) {
      const text = output();
      await fsp.rm(dir, { recursive: true, force: true });
      throw new Error(`${spec.name} exited (${child.exitCode ?? child.signalCode}) before serving:\n${tail(text)}`);
    }
    if (Date.now() > deadline) {
      const text = output();
      child.kill('SIGKILL');
      await exited;
      await fsp.rm(dir, { recursive: true, force: true });
      throw new Error(`${spec.name} did not answer ${spec.readyPath} within the start timeout:\n${tail(text)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let stopping: Promise<void> | undefined;
  return {
    name: spec.name,
    url,
    pid: child.pid!,
    output,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    state: () => (isRunning() ? 'running' : `exited (code ${child.exitCode}, signal ${child.signalCode})${stopping ? ' when stopped' : ''}`),
    stop() {
      stopping ??= (async () => {
        if (isRunning()) {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(killer);
        }
        await fsp.rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
}

export interface SluiceOptions {
  /** Store environment (SLUICE_DATA_DIR, DATABASE_URL, SLUICE_DATABASE_SCHEMA), see createStore. */
  storeEnv: Record<string, string>;
  logLevel: string;
  name?: string;
  /** How long the server may take to answer (default 60 s; a machine loaded by many JVMs starts it slower). */
  startTimeoutMs?: number;
  /** More environment (SLUICE_JOB_ISOLATION=shared; a runtime catalog file, a fixed PORT and SLUICE_PUBLIC_URL). */
  env?: Record<string, string>;
}

/** The real `sluice serve` from dist, with tokens signed by TEST_SECRET. */
export function startSluice(options: SluiceOptions): Promise<BenchServer> {
  return startProcess({
    name: options.name ?? `sluice (log ${options.logLevel})`,
    script: SLUICE_CLI,
    args: ['serve'],
    env: { ...baseEnv(), SLUICE_JWT_SECRET: TEST_SECRET, SLUICE_LOG_LEVEL: options.logLevel, ...options.storeEnv, ...options.env },
    readyPath: '/health',
    startTimeoutMs: options.startTimeoutMs,
  });
}

/** Plain Fastify with one constant JSON route at /constant, and `/rows` from `rowsFile` when given (see bare-fastify.ts). */
export function startBareFastify(logLevel: string, rowsFile?: string): Promise<BenchServer> {
  return startProcess({
    name: `bare fastify (log ${logLevel}${rowsFile ? ', rows' : ''})`,
    script: BARE_FASTIFY,
    args: [],
    env: { ...baseEnv(), LOG_LEVEL: logLevel, ...(rowsFile ? { ROWS_FILE: rowsFile } : {}) },
    readyPath: rowsFile ? '/rows' : '/constant',
  });
}

/** The activate benchmark's floor (see floor-service.ts): runs `java -cp jar mainClass` per POST /runs. */
export function startFloorService(storeEnv: Record<string, string>, job: { java: string; jar: string; mainClass: string }): Promise<BenchServer> {
  return startProcess({
    name: 'floor service',
    script: FLOOR_SERVICE,
    args: [],
    env: { ...baseEnv(), LOG_LEVEL: 'warn', JAVA: job.java, JAR: job.jar, MAIN_CLASS: job.mainClass, ...storeEnv },
    readyPath: '/health',
  });
}

/** Stops every server given, even when some fail to stop. */
export async function stopAll(servers: (BenchServer | undefined)[]): Promise<void> {
  await Promise.allSettled(servers.map((server) => server?.stop()));
}
