import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { FlinkAuth } from './settings.js';

/**
 * HTTP to one JobManager: its auth header, its TLS trust, a deadline per call, and errors a
 * person can act on. node:http rather than fetch because fetch cannot be given a CA of its own
 * without the undici package.
 */
export interface RestClientOptions {
  restUrl: string;
  auth: FlinkAuth | null;
  caFile: string | null;
  requestTimeoutMs: number;
}

/** The cluster could not be asked: refused, timed out, name unknown, TLS refused. The job's record stays as it was. */
export class FlinkUnreachableError extends Error {
  constructor(readonly restUrl: string, readonly reason: string) {
    super(`The Flink JobManager at ${restUrl} cannot be reached: ${reason}.`);
    this.name = 'FlinkUnreachableError';
  }
}

/** The cluster (or a proxy in front of it) answered with an error status. */
export class FlinkAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly call: string,
    /** The cluster's message, without its exception class prefix and stack trace. */
    readonly flinkMessage: string,
  ) {
    super(`Flink answered ${status} to ${call}: ${flinkMessage}`);
    this.name = 'FlinkAnswerError';
  }
}

const REST_EXCEPTION_PREFIX = /^(?:org\.apache\.flink\.[\w.$]+(?:Exception|Error): )+/;

/**
 * The useful line of a Flink error body. Recent versions send `{"errors": ["<exception>: <message>\n\tat …"]}`,
 * older ones the bare message; an unexpected failure sends "Internal server error." and the
 * server-side trace in a second string, whose first line is the cause.
 */
export function flinkErrorMessage(body: unknown, fallback: string): string {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0 || !errors.every((e) => typeof e === 'string')) return fallback;
  const firstLine = (text: string) => text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('at ')) ?? '';
  if (errors[0] === 'Internal server error.' && typeof errors[1] === 'string') {
    const cause = firstLine(errors[1].replace(/^<Exception on server side:/, ''));
    return `internal server error: ${cause.replace(REST_EXCEPTION_PREFIX, '')}`;
  }
  return errors.map((e) => firstLine(e).replace(REST_EXCEPTION_PREFIX, '')).filter(Boolean).join('; ');
}

function reasonOf(error: NodeJS.ErrnoException, timeoutMs: number): string {
  switch (error.code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ECONNRESET': case 'EPIPE': return 'the connection was cut';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'its host name is unknown';
    case 'ETIMEDOUT': case 'FLINK_TIMEOUT': return `no answer within ${timeoutMs} ms`;
    case 'EHOSTUNREACH': case 'ENETUNREACH': return 'no route to its host';
    default:
      if (/CERT|SSL|TLS/i.test(error.code ?? '')) return `its TLS certificate is not trusted (${error.code}); set tls.caFile`;
      return error.message;
  }
}

export interface RestRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  json?: unknown;
  /** A multipart body with one file part (JAR upload). */
  file?: { field: string; fileName: string; contentType: string; content: Buffer };
}

export class FlinkRestClient {
  private readonly base: URL;
  private readonly ca: Buffer | undefined;
  private readonly agent: http.Agent;
  /** Calls made, for the benchmark's calls-per-job figure. */
  calls = 0;

  constructor(readonly options: RestClientOptions) {
    this.base = new URL(options.restUrl.endsWith('/') ? options.restUrl : `${options.restUrl}/`);
    this.ca = options.caFile ? fs.readFileSync(options.caFile) : undefined;
    // Keep-alive: a poll of hundreds of jobs would otherwise open a connection (and a TLS
    // handshake) per call.
    this.agent = this.base.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, maxSockets: 8, ca: this.ca })
      : new http.Agent({ keepAlive: true, maxSockets: 8 });
  }

  get restUrl(): string {
    return this.options.restUrl;
  }

  /** Sends one call; answers the parsed JSON body of a 2xx, throws a typed error otherwise. */
  async request<T = unknown>(req: RestRequest): Promise<T> {
    const url = new URL(req.path.replace(/^\//, ''), this.base);
    const headers: Record<string, string> = { Accept: 'application/json' };
    const auth = this.options.auth;
    if (auth && 'bearer' in auth) headers.Authorization = `Bearer ${auth.bearer}`;
    else if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth.basic.user}:${auth.basic.password}`).toString('base64')}`;
    let body: Buffer | undefined;
    if (req.file) {
      const boundary = `----sluice${Math.random().toString(16).slice(2)}`;
      body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${req.file.field}"; filename="${req.file.fileName.replace(/"/g, '')}"\r\n`
          + `Content-Type: ${req.file.contentType}\r\n\r\n`),
        req.file.content,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
    } else if (req.json !== undefined) {
      body = Buffer.from(JSON.stringify(req.json));
      headers['Content-Type'] = 'application/json';
    }
    if (body) headers['Content-Length'] = String(body.length);
    const call = `${req.method} ${url.pathname}`;
    this.calls += 1;
    const { status, text } = await this.send(url, req.method, headers, body);
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (status >= 200 && status < 300) return parsed as T;
    if (status === 401 || status === 403) {
      throw new FlinkAnswerError(status, call, status === 401
        ? 'the credentials were refused (check "auth" of the runtime binding)'
        : 'access is forbidden for these credentials');
    }
    throw new FlinkAnswerError(status, call, flinkErrorMessage(parsed, text.slice(0, 200) || `HTTP ${status}`));
  }

  private send(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined): Promise<{ status: number; text: string }> {
    const timeoutMs = this.options.requestTimeoutMs;
    const module = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = module.request(url, { method, headers, agent: this.agent, ca: this.ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(new FlinkUnreachableError(this.restUrl, reasonOf(e as NodeJS.ErrnoException, timeoutMs))));
      });
      // One deadline for the whole exchange, answer included: a hung JobManager counts as unreachable.
      const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'FLINK_TIMEOUT' })), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (e) => reject(new FlinkUnreachableError(this.restUrl, reasonOf(e as NodeJS.ErrnoException, timeoutMs))));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
