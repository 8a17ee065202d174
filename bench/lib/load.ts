import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:4321 (plain HTTP/1.1). */
  url: string;
  path: string;
  headers?: Record<string, string>;
  /** Requests kept in flight, each on its own keep-alive connection. */
  concurrency: number;
  /** Requests before this are not counted: JIT, connection set-up, caches. */
  warmupSeconds: number;
  seconds: number;
  /** The only status accepted; anything else fails the measurement. Default 200. */
  expectStatus?: number;
  /** Read at the start and at the end of the measured window (e.g. the server's CPU time). */
  probe?: () => number;
}

export interface LoadResult {
  /** Responses (all with the expected status) completed inside the measured window, per second. */
  requestsPerSecond: number;
  completed: number;
  seconds: number;
  /** probe() at the end of the window minus probe() at its start. */
  probeDelta?: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * One keep-alive connection sending the same GET again and again, one at a time. The load
 * generator shares the two cores with the server, so its own cost matters: against bare Fastify
 * (about 35 µs of server CPU a request), a node:http client spent 110–200 µs of CPU a request
 * and capped the baseline near 3,000 req/s; this one spends 40–65 µs and measured 6,000–8,000
 * req/s in the same minutes. It reads just the status and Content-Length and skips the body
 * unparsed. Chunked or close-delimited responses are refused: every route measured here answers
 * with a Content-Length.
 */
class Connection {
  private buffered: Buffer | null = null;
  /** Responses received so far on this connection. */
  responses = 0;
  private bodyStart = -1;
  private bodyEnd = -1;
  private status = 0;

  constructor(
    private readonly socket: net.Socket,
    private readonly request: Buffer,
    private readonly onResponse: (status: number, head: string, body: Buffer) => void,
    private readonly onError: (error: Error) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', onError);
    socket.on('close', () => onError(new Error('the server closed the connection')));
    if (socket.destroyed) queueMicrotask(() => onError(new Error('the connection failed before its first request')));
  }

  send(): void {
    this.socket.write(this.request);
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.on('error', () => {});
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    if (this.bodyEnd < 0) {
      const headEnd = this.buffered.indexOf(HEADER_END);
      if (headEnd < 0) return;
      const head = this.buffered.toString('latin1', 0, headEnd);
      this.status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!length) {
        this.onError(new Error(`response without Content-Length (not supported by the load generator):\n${head}`));
        return;
      }
      this.bodyStart = headEnd + HEADER_END.length;
      this.bodyEnd = this.bodyStart + Number(length[1]);
    }
    if (this.buffered.length < this.bodyEnd) return;
    if (this.buffered.length > this.bodyEnd) {
      this.onError(new Error('more bytes than the response announced: one request at a time was sent'));
      return;
    }
    const response = this.buffered;
    const bodyStart = this.bodyStart;
    this.buffered = null;
    this.bodyStart = this.bodyEnd = -1;
    this.responses++;
    this.onResponse(this.status, response.toString('latin1', 0, bodyStart), response.subarray(bodyStart));
  }
}

function requestBytes(target: URL, path: string, headers: Record<string, string>): Buffer {
  const lines = [`GET ${path} HTTP/1.1`, `host: ${target.host}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
}

/** Resolves once connected. The error listener stays: an error before a Connection takes the
 * socket over is then not an uncaught exception; the Connection sees the socket destroyed. */
function connect(target: URL): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.hostname, port: Number(target.port) });
    socket.once('connect', () => resolve(socket));
    socket.on('error', reject);
  });
}

async function connectAll(target: URL, count: number): Promise<net.Socket[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => connect(target)));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!failure) return settled.map((s) => (s as PromiseFulfilledResult<net.Socket>).value);
  for (const s of settled) if (s.status === 'fulfilled') s.value.destroy();
  throw new Error(`cannot connect to ${target.host}: ${String(failure.reason)}`);
}

/**
 * Closed-loop load: `concurrency` connections each send a request, wait for the whole response
 * and send the next, for warm-up plus measured time without a pause in between, so the measured
 * window starts on warm connections. Any other status than the expected one (200) or a socket
 * error fails the measurement.
 */
export async function closedLoop(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  if (target.protocol !== 'http:') throw new Error(`the load generator speaks plain HTTP only, not ${target.protocol}`);
  const request = requestBytes(target, options.path, options.headers ?? {});
  const expected = options.expectStatus ?? 200;
  const start = performance.now();
  const windowStart = start + options.warmupSeconds * 1000;
  const windowEnd = windowStart + options.seconds * 1000;
  let probeStart: number | undefined;
  let probeEnd: number | undefined;
  const timers: NodeJS.Timeout[] = [];
  if (options.probe) {
    const probe = options.probe;
    timers.push(setTimeout(() => { probeStart = probe(); }, windowStart - start));
    timers.push(setTimeout(() => { probeEnd = probe(); }, windowEnd - start));
  }
  const sockets = await connectAll(target, options.concurrency);
  let completed = 0;
  let open = sockets.length;
  const connections: Connection[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (error: Error, connection?: Connection) => {
        if (failed) return;
        failed = true;
        const elapsed = ((performance.now() - start) / 1000).toFixed(2);
        const served = connection ? `, ${connection.responses} responses on that connection` : '';
        reject(new Error(`GET ${options.url}${options.path}: ${error.message} (after ${elapsed} s, ${completed} counted${served})`, { cause: error }));
      };
      for (const socket of sockets) {
        const connection: Connection = new Connection(socket, request, (status, head, body) => {
          if (status !== expected) {
            fail(new Error(`answered ${status}: ${body.toString('utf8', 0, 500) || head}`));
            return;
          }
          const now = performance.now();
          if (now >= windowEnd) {
            connection.close();
            if (--open === 0) resolve();
            return;
          }
          if (now >= windowStart) completed++;
          connection.send();
        }, (error) => fail(error, connection));
        connections.push(connection);
        connection.send();
      }
    });
  } finally {
    for (const timer of timers) clearTimeout(timer);
    for (const connection of connections) connection.close();
  }
  // The last responses can land a hair before the end-of-window timer has fired.
  if (options.probe && probeEnd === undefined) probeEnd = options.probe();
  return {
    requestsPerSecond: completed / options.seconds,
    completed,
    seconds: options.seconds,
    probeDelta: probeStart !== undefined && probeEnd !== undefined ? probeEnd - probeStart : undefined,
  };
}
