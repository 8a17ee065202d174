import { ApiFailure, CommandFailure, type ErrorBody } from './errors.js';

export interface ApiResponse<T = unknown> {
  status: number;
  /** The body as sent by the service, byte for byte (what `--json` prints). */
  text: string;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | undefined>;
  /** A body sent as is (multipart uploads), with its own headers. */
  raw?: { body: BodyInit; headers: Record<string, string>; duplex?: boolean };
  /** Statuses answered without throwing (e.g. 404 when looking for something by name). */
  accept?: number[];
}

/**
 * The HTTP client every `sluice` command shares: the base URL, a bearer token asked for on each
 * request (so a token from credentials is renewed during a long `--wait`), ErrorMessages
 * turned into ApiFailure.
 */
export class ApiClient {
  constructor(readonly baseUrl: string, private readonly token: () => Promise<string>) {}

  url(path: string, query?: Record<string, string | undefined>): string {
    const url = new URL(this.baseUrl.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    return url.toString();
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token()}`, ...options.raw?.headers };
    let body: BodyInit | undefined = options.raw?.body;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, ...(options.raw?.duplex ? { duplex: 'half' } : {}) } as RequestInit);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CommandFailure(`cannot reach Sluice at ${this.baseUrl}: ${cause?.code ?? cause?.message ?? String(error)} (set --url, SLUICE_URL or \`sluice config set url\`)`);
    }
    const text = await response.text();
    let parsed: unknown;
    if (text && (response.headers.get('content-type') ?? '').includes('json')) {
      try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    }
    if (response.status >= 400 && !options.accept?.includes(response.status)) {
      throw new ApiFailure(response.status, parsed as ErrorBody | undefined, text, `${method} ${path}`);
    }
    return { status: response.status, text, body: parsed as T };
  }

  get<T = any>(path: string, options?: RequestOptions) { return this.request<T>('GET', path, options); }
  post<T = any>(path: string, body?: unknown, options?: RequestOptions) { return this.request<T>('POST', path, { ...options, body }); }
  put<T = any>(path: string, body?: unknown, options?: RequestOptions) { return this.request<T>('PUT', path, { ...options, body }); }
  delete<T = any>(path: string, options?: RequestOptions) { return this.request<T>('DELETE', path, options); }

  /** A raw GET (a job's log): the response itself, for streaming. */
  async fetchRaw(absoluteUrl: string): Promise<Response> {
    return fetch(absoluteUrl, { headers: { authorization: `Bearer ${await this.token()}` } });
  }
}

/** A path segment: ids and HRNs (which hold `:` and `/`) go into paths encoded. */
export const seg = (value: string) => encodeURIComponent(value);
