/** The service's error body (ErrorMessage), shown as the API wrote it. */
export interface ErrorMessage {
  status: number;
  code: string;
  message: string;
  errors?: { field: string; message: string; invalidValue?: unknown }[];
}

export class ApiFailure extends Error {
  constructor(readonly body: ErrorMessage) {
    super(body.message);
  }
}

export const TOKEN_KEY = 'sluice.console.token';

/**
 * The token, in localStorage: a version's pipelineUIUrl opened in a new tab finds the session.
 * It leaves with sign-out, with its expiry, and at the first 401.
 */
export const session = {
  token(): string | null {
    const saved = localStorage.getItem(TOKEN_KEY);
    if (!saved) return null;
    const expiry = expiryOf(saved);
    if (expiry !== undefined && expiry <= Date.now()) {
      localStorage.removeItem(TOKEN_KEY);
      return null;
    }
    return saved;
  },
  set(token: string): void {
    localStorage.setItem(TOKEN_KEY, token);
  },
  clear(): void {
    localStorage.removeItem(TOKEN_KEY);
    window.dispatchEvent(new Event('sluice:signed-out'));
  },
};

/** A JWT's `exp` in ms, read without checking it (the service checks; this only avoids sending a stale one). */
function expiryOf(token: string): number | undefined {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function failureOf(status: number, text: string): ApiFailure {
  try {
    const body = JSON.parse(text) as ErrorMessage;
    if (typeof body.message === 'string') return new ApiFailure(body);
  } catch {
    // not an ErrorMessage: said below
  }
  return new ApiFailure({ status, code: `HTTP ${status}`, message: text.slice(0, 300) || `The service answered ${status}.` });
}

function headers(extra: Record<string, string>, token: string | null): Record<string, string> {
  return token ? { authorization: `Bearer ${token}`, ...extra } : extra;
}

/** `token`: what the request carried. A 401 ends the session only when that was the session's token. */
async function check(response: Response, token: string | null): Promise<string> {
  const text = await response.text();
  if (response.status === 401 && token !== null && token === session.token()) session.clear();
  if (!response.ok && response.status !== 304) throw failureOf(response.status, text);
  return text;
}

/**
 * A JSON request to the API; the API's ErrorMessage is thrown as ApiFailure. `token`: another
 * token than the session's, or null for none (the sign-in exchange).
 */
export async function api<T = unknown>(method: string, path: string, body?: unknown, token?: string | null): Promise<T> {
  const sent = token === undefined ? session.token() : token;
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }, sent),
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const text = await check(response, sent);
  return (text ? JSON.parse(text) : undefined) as T;
}

export type Fetched<T> = { changed: false } | { changed: true; body: T; etag: string | null; next: string | null };

/** GET with If-None-Match: `changed: false` when the service answers 304. */
export async function getIfChanged<T>(path: string, etag: string | null): Promise<Fetched<T>> {
  const sent = session.token();
  const response = await fetch(path, { headers: headers(etag ? { 'if-none-match': etag } : {}, sent), cache: 'no-store' });
  const text = await check(response, sent);
  if (response.status === 304) return { changed: false };
  const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1] ?? null;
  return { changed: true, body: JSON.parse(text) as T, etag: response.headers.get('etag'), next };
}

/** Uploads a JAR (multipart, field jarPackage) with progress: fetch cannot report upload progress, XMLHttpRequest can. */
export function uploadJar<T>(file: File, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    const sent = session.token();
    request.open('POST', '/v2/packages');
    for (const [name, value] of Object.entries(headers({}, sent))) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    request.onload = () => {
      if (request.status === 401 && sent !== null && sent === session.token()) session.clear();
      if (request.status >= 200 && request.status < 300) resolve(JSON.parse(request.responseText) as T);
      else reject(failureOf(request.status, request.responseText));
    };
    request.onerror = () => reject(new ApiFailure({ status: 0, code: 'network', message: 'The upload failed: the service could not be reached.' }));
    const form = new FormData();
    form.append('jarPackage', file, file.name);
    request.send(form);
  });
}

/** Path segments and query values, escaped. */
export const enc = encodeURIComponent;
export const query = (values: Record<string, string | number | undefined>) => {
  const entries = Object.entries(values).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}` : '';
};
