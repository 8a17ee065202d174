import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryMb, type CreateSubmissionRequest } from './messages.js';

/**
 * One fake standalone Worker: it runs drivers as a real Worker's DriverRunner does. It downloads
 * the `appResource` into the driver's folder (`<workDir>/<driverId>/`), as Utils.fetchFile would
 * (http/https and file URLs, or a plain path on the worker; any other scheme has no FileSystem
 * here), then starts a real `java` with the driver's memory, `spark.driver.extraJavaOptions` and
 * `spark.driver.extraClassPath`, the request's environment variables, and stdout/stderr in the
 * driver's folder. The real Worker starts DriverWrapper, which loads the user's main class from
 * the downloaded JAR; the fake runs that main class directly. `spark.files` are fetched by the
 * driver's SparkContext on a real cluster; the fake fetches them into `userFiles/` before the
 * main class starts, and a file it cannot fetch fails the driver as SparkContext would.
 *
 * Each worker has its own loopback address (127.0.0.1, 127.0.0.2…), so its `workerHostPort` and
 * its web UI (the driver log pages, `/logPage/` and `/log`) are told apart as on a real cluster.
 */
export class FakeWorker {
  readonly id: string;
  alive = true;
  private ui?: http.Server;

  constructor(readonly host: string, readonly rpcPort: number, readonly workDir: string, private readonly java: string) {
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    this.id = `worker-${stamp}-${host}-${rpcPort}`;
  }

  get hostPort(): string {
    return `${this.host}:${this.rpcPort}`;
  }

  driverDir(driverId: string): string {
    return path.join(this.workDir, this.id, driverId);
  }

  /** Starts the worker's web UI on `port` (the same number on every worker, as `spark.worker.ui.port`). */
  async serveUi(port: number): Promise<number> {
    this.ui = http.createServer((req, res) => void this.answerUi(req, res));
    await new Promise<void>((resolve, reject) => {
      this.ui!.once('error', reject);
      this.ui!.listen(port, this.host, () => resolve());
    });
    return (this.ui.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    if (!this.ui) return;
    this.ui.closeAllConnections();
    await new Promise((resolve) => this.ui!.close(resolve));
  }

  /** Downloads the JAR; a failure is the driver's ERROR with this exception text. */
  async fetchJar(driverId: string, url: string): Promise<string> {
    const dir = this.driverDir(driverId);
    await fs.mkdir(dir, { recursive: true });
    const target = path.join(dir, path.basename(new URL(url, 'file:///').pathname) || 'app.jar');
    await fetchInto(url, target);
    return target;
  }

  /** Fetches `spark.files` and starts the driver's JVM; `onExit` gets its exit code. */
  async start(driverId: string, request: CreateSubmissionRequest, jar: string, onExit: (code: number) => void): Promise<ChildProcess> {
    const dir = this.driverDir(driverId);
    const stdout = createWriteStream(path.join(dir, 'stdout'), { flags: 'a' });
    const stderr = createWriteStream(path.join(dir, 'stderr'), { flags: 'a' });
    const props = request.sparkProperties;
    const files = (props['spark.files'] ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
    await fs.mkdir(path.join(dir, 'userFiles'), { recursive: true });
    for (const file of files) {
      try {
        await fetchInto(file, path.join(dir, 'userFiles', path.basename(new URL(file, 'file:///').pathname)));
      } catch (error) {
        // SparkContext failing to start: the driver's main throws, the JVM exits 1.
        stderr.end(`Exception in thread "main" org.apache.spark.SparkException: Failed to fetch ${file}\nCaused by: ${String(error)}\n`);
        stdout.end();
        setImmediate(() => onExit(1));
        return spawn('true');
      }
    }
    const classPath = [...(props['spark.driver.extraClassPath'] ?? '').split(path.delimiter).filter((p) => p !== ''), jar];
    const args = [
      `-Xmx${memoryMb(props['spark.driver.memory'] ?? '1g')}m`,
      ...splitCommandString(props['spark.driver.extraJavaOptions'] ?? ''),
      `-Dspark.app.name=${props['spark.app.name']}`,
      '-cp', classPath.join(path.delimiter),
      request.mainClass ?? '',
      ...(request.appArgs ?? []),
    ];
    const environment: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const key of ['HOME', 'JAVA_HOME', 'LANG']) if (process.env[key]) environment[key] = process.env[key]!;
    for (const [k, v] of Object.entries(request.environmentVariables ?? {})) {
      if (!/^SPARK_LOCAL_(IP|HOSTNAME)$/.test(k)) environment[k] = v;
    }
    const child = spawn(this.java, args, { cwd: dir, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(stdout);
    child.stderr.pipe(stderr);
    child.on('error', (error) => stderr.write(`${String(error)}\n`));
    child.on('close', (code, signal) => onExit(code ?? (signal === 'SIGKILL' ? 137 : 143)));
    return child;
  }

  private async answerUi(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? this.host}`);
    const driverId = url.searchParams.get('driverId') ?? '';
    const logType = url.searchParams.get('logType') ?? '';
    if (!/^driver-[\d-]+$/.test(driverId) || !['stdout', 'stderr'].includes(logType) || !['/log', '/logPage/', '/logPage'].includes(url.pathname)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Request must specify either application or executor or driver information');
      return;
    }
    const file = path.join(this.driverDir(driverId), logType);
    const text = await fs.readFile(file).catch(() => Buffer.alloc(0));
    const byteLength = Number(url.searchParams.get('byteLength') ?? 100 * 1024);
    const offsetParam = url.searchParams.get('offset');
    const start = offsetParam === null ? Math.max(0, text.length - byteLength) : Math.max(0, Math.min(Number(offsetParam), text.length));
    const end = Math.min(text.length, start + byteLength);
    const slice = text.subarray(start, end).toString('utf8');
    if (url.pathname === '/log') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`==== Bytes ${start}-${end} of ${text.length} of ${path.dirname(file)}/${logType} ====\n${slice}`);
      return;
    }
    const escaped = slice.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<html><head><title>${logType} log page for ${driverId}</title></head><body><pre>${escaped}</pre></body></html>`);
  }
}

/** Utils.fetchFile's reach, as a worker without Hadoop file systems has it. */
async function fetchInto(url: string, target: string): Promise<void> {
  const parsed = /^[a-z][a-z0-9+.-]*:/i.test(url) ? new URL(url) : new URL(`file://${path.resolve(url)}`);
  if (parsed.protocol === 'file:') {
    const source = fileURLToPath(parsed);
    try {
      await fs.copyFile(source, target);
    } catch {
      throw new Error(`java.nio.file.NoSuchFileException: ${source}`);
    }
    return;
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      throw new Error(`java.net.ConnectException: ${(error as Error).message} (${url})`);
    }
    if (response.status === 404) throw new Error(`java.io.FileNotFoundException: ${url}`);
    if (!response.ok) throw new Error(`java.io.IOException: Server returned HTTP response code: ${response.status} for URL: ${url}`);
    await fs.writeFile(target, Buffer.from(await response.arrayBuffer()));
    return;
  }
  throw new Error(`org.apache.hadoop.fs.UnsupportedFileSystemException: No FileSystem for scheme "${parsed.protocol.slice(0, -1)}"`);
}

/** Utils.splitCommandString: whitespace-separated words, with single and double quotes. */
export function splitCommandString(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}
