import { lookup } from 'node:dns/promises';
import fs from 'node:fs/promises';
import net from 'node:net';
import { admitDestination, isLoopback, refusalLine } from '../../../domain/egress-admission.js';

/**
 * One job's way out (README: "Job isolation"): an HTTP proxy speaking CONNECT (for TLS and any
 * TCP) and plain absolute-form HTTP, admitting only the destinations of the job's realm's
 * egress rules, read at each connection so a rule created or deleted counts at once. Isolated,
 * it listens on a Unix socket bound into the job's sandbox (whose network namespace has only
 * loopback); shared, on a loopback TCP port the JVM is told about, which a job may ignore.
 */
export interface EgressProxyDeps {
  rulesOf(realm: string): Promise<string[]>;
  /** A refusal, for the service's log (the job's log gets its line from the proxy). */
  refused(event: { jobId: string; realm: string; method: string; target: string; reason: string }): void;
}

export interface EgressProxyJob {
  jobId: string;
  realm: string;
  logFile: string;
}

/** A request head larger than this is refused: no proxy request needs more. */
const MAX_HEAD_BYTES = 32 * 1024;
const HEAD_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 15_000;

interface Target { method: string; host: string; port: number; display: string; head?: Buffer }

export class EgressProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly job: EgressProxyJob, private readonly deps: EgressProxyDeps) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /** A Unix socket path (made reachable by the job user), or a loopback TCP port (0: any free one); answers the port. */
  async listen(where: { path: string } | { port: number }): Promise<number | undefined> {
    if ('path' in where) await fs.rm(where.path, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      if ('path' in where) this.server.listen(where.path, resolve);
      else this.server.listen(where.port, '127.0.0.1', resolve);
    });
    if ('path' in where) {
      await fs.chmod(where.path, 0o666);
      return undefined;
    }
    return (this.server.address() as net.AddressInfo).port;
  }

  close(): void {
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: net.Socket): void {
    this.track(client);
    client.setTimeout(HEAD_TIMEOUT_MS, () => client.destroy());
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > MAX_HEAD_BYTES) this.answer(client, 431, 'request head too large');
        return;
      }
      client.off('data', onData);
      client.pause();
      client.setTimeout(0);
      void this.forward(client, buffered.subarray(0, end + 4), buffered.subarray(end + 4));
    };
    client.on('data', onData);
  }

  private async forward(client: net.Socket, head: Buffer, rest: Buffer): Promise<void> {
    const target = parseHead(head);
    if ('error' in target) return this.answer(client, 400, target.error);
    let address: string;
    try {
      const decision = admitDestination(target.host, target.port, await this.deps.rulesOf(this.job.realm));
      if (!decision.admitted) return this.refuse(client, target, decision.reason);
      address = decision.byName ? (await lookup(target.host)).address : target.host.replace(/^\[|\]$/g, '');
      if (decision.byName && isLoopback(address)) {
        return this.refuse(client, target, `${target.host} resolves to the loopback address ${address}, which only a rule naming that address admits`);
      }
    } catch (error) {
      return this.answer(client, 502, `${target.display}: ${(error as Error).message}`);
    }
    const upstream = net.connect({ host: address, port: target.port });
    this.track(upstream);
    upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy(new Error('no connection within 15 s')));
    upstream.once('error', (error) => this.answer(client, 502, `${target.display}: ${error.message}`));
    upstream.once('connect', () => {
      upstream.setTimeout(0);
      if (target.method === 'CONNECT') client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      else upstream.write(target.head!);
      if (rest.length > 0) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  private refuse(client: net.Socket, target: Target, reason: string): void {
    const line = refusalLine(target.method, target.display, reason);
    // The job's log is appended to by the JVM too; one short write with O_APPEND lands whole.
    void fs.appendFile(this.job.logFile, `${line}\n`).catch(() => undefined);
    this.deps.refused({ jobId: this.job.jobId, realm: this.job.realm, method: target.method, target: target.display, reason });
    this.answer(client, 403, line);
  }

  private answer(client: net.Socket, status: number, text: string): void {
    if (client.destroyed) return;
    const reason = { 400: 'Bad Request', 403: 'Forbidden', 431: 'Request Header Fields Too Large', 502: 'Bad Gateway' }[status] ?? 'Error';
    const body = `${text}\n`;
    client.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
}

/** The request line of a proxy request: `CONNECT host:port` or `METHOD http://host[:port]/path`. */
export function parseHead(head: Buffer): Target | { error: string } {
  const text = head.toString('latin1');
  const lineEnd = text.indexOf('\r\n');
  const [method, target, version] = text.slice(0, lineEnd).split(' ');
  if (!method || !target || !version?.startsWith('HTTP/')) return { error: 'not an HTTP request' };
  if (method === 'CONNECT') {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(target);
    if (!match) return { error: `CONNECT wants host:port, got "${target}"` };
    return { method, host: match[1], port: Number(match[2]), display: target };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { error: `a proxy request names an absolute http:// URL, got "${target.slice(0, 200)}"` };
  }
  if (url.protocol !== 'http:') return { error: `only http:// is proxied without CONNECT, got ${url.protocol}` };
  const port = url.port ? Number(url.port) : 80;
  // The origin server gets the origin form; the proxy's own headers stay here.
  const headers = text.slice(lineEnd + 2).split('\r\n').filter((h) => !/^proxy-(connection|authorization):/i.test(h)).join('\r\n');
  const rewritten = Buffer.from(`${method} ${url.pathname}${url.search} ${version}\r\n${headers}`, 'latin1');
  return { method, host: url.hostname, port, display: `${url.hostname}:${port}`, head: rewritten };
}
