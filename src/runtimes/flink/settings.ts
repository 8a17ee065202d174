/**
 * A `flink` binding of the runtime catalog (`runtimeBindings.<environment id>` in the file named
 * by SLUICE_RUNTIME_CATALOG), read into the settings the Flink runtime works with:
 *
 *   { "kind": "flink", "restUrl": "https://flink.internal:8081",
 *     "savepointBase": "s3://bucket/sluice/savepoints", "checkpointBase": "s3://bucket/sluice/checkpoints",
 *     "auth": { "bearer": "…" } | { "basic": { "user": "…", "password": "…" } },
 *     "tls": { "caFile": "/etc/sluice/flink-ca.pem" }, "pollIntervalMs": 10000, "requestTimeoutMs": 10000,
 *     "jobFilesUrl": "https://sluice.internal:8080" }
 *
 * Problems come back as JSON pointers into the binding, so the catalog loader can name the file,
 * the environment and the field.
 */
export interface FlinkSettings {
  /** The JobManager's REST base URL, without a trailing slash (may end in /v1). */
  restUrl: string;
  /** Where stop-with-savepoint writes (`targetDirectory`); a URI the cluster can write. */
  savepointBase: string;
  /** Where jobs checkpoint (`state.checkpoints.dir` / `execution.checkpointing.dir`). */
  checkpointBase: string;
  auth: FlinkAuth | null;
  /** PEM file of the certificate authority that signed the JobManager's certificate (TLS). */
  caFile: string | null;
  /** How often a running job is looked at when nothing else makes Sluice look (safety poll). */
  pollIntervalMs: number;
  /** How long one REST call may take before the cluster counts as unreachable. */
  requestTimeoutMs: number;
  /** The base URL at which the cluster reaches Sluice for a job's files (default: SLUICE_PUBLIC_URL). */
  jobFilesUrl: string | null;
}

export type FlinkAuth = { bearer: string } | { basic: { user: string; password: string } };

export interface SettingsProblem { field: string; message: string }

export const DEFAULT_POLL_INTERVAL_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const KNOWN = new Set(['kind', 'restUrl', 'savepointBase', 'checkpointBase', 'auth', 'tls', 'pollIntervalMs', 'requestTimeoutMs', 'jobFilesUrl']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A URI with a scheme Flink's file systems know: `file:/…`, `s3://…`, `hdfs://…`, `gs://…`, `abfss://…`. */
function isStorageUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\S*$/i.test(value) && !/^https?:/i.test(value);
}

function httpUrl(value: unknown): URL | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

export function parseFlinkSettings(binding: unknown): { settings: FlinkSettings | null; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  if (!isObject(binding)) return { settings: null, problems: [{ field: '', message: 'must be an object' }] };
  if (binding.kind !== 'flink') add('/kind', 'must be "flink"');
  for (const key of Object.keys(binding)) if (!KNOWN.has(key)) add(`/${key}`, 'is not a setting of the flink runtime');

  const rest = httpUrl(binding.restUrl);
  if (!rest) add('/restUrl', 'must be an http:// or https:// URL (the JobManager\'s REST endpoint)');
  else if (rest.username || rest.password) add('/restUrl', 'must not carry credentials: use "auth"');
  for (const key of ['savepointBase', 'checkpointBase'] as const) {
    const value = binding[key];
    if (typeof value !== 'string' || !isStorageUri(value)) add(`/${key}`, 'must be a URI the cluster can write, such as file:/shared/… or s3://bucket/…');
  }

  let auth: FlinkAuth | null = null;
  if (binding.auth !== undefined) {
    const a = binding.auth;
    if (isObject(a) && typeof a.bearer === 'string' && a.bearer !== '' && Object.keys(a).length === 1) auth = { bearer: a.bearer };
    else if (isObject(a) && isObject(a.basic) && Object.keys(a).length === 1
      && typeof a.basic.user === 'string' && a.basic.user !== '' && !a.basic.user.includes(':') && typeof a.basic.password === 'string') {
      auth = { basic: { user: a.basic.user, password: a.basic.password } };
    } else add('/auth', 'must be {"bearer": "<token>"} or {"basic": {"user": "<name without :>", "password": "…"}}');
  }

  let caFile: string | null = null;
  if (binding.tls !== undefined) {
    if (isObject(binding.tls) && typeof binding.tls.caFile === 'string' && binding.tls.caFile !== '' && Object.keys(binding.tls).length === 1) {
      caFile = binding.tls.caFile;
      if (rest && rest.protocol !== 'https:') add('/tls', 'applies only to an https:// restUrl');
    } else add('/tls', 'must be {"caFile": "<path of a PEM file>"}');
  }

  const positive = (key: 'pollIntervalMs' | 'requestTimeoutMs', fallback: number, min: number) => {
    const value = binding[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      add(`/${key}`, `must be a whole number of milliseconds, at least ${min}`);
      return fallback;
    }
    return value;
  };
  const pollIntervalMs = positive('pollIntervalMs', DEFAULT_POLL_INTERVAL_MS, 100);
  const requestTimeoutMs = positive('requestTimeoutMs', DEFAULT_REQUEST_TIMEOUT_MS, 100);

  let jobFilesUrl: string | null = null;
  if (binding.jobFilesUrl !== undefined) {
    const url = httpUrl(binding.jobFilesUrl);
    if (url) jobFilesUrl = url.href.replace(/\/+$/, '');
    else add('/jobFilesUrl', 'must be an http:// or https:// URL at which the cluster reaches Sluice');
  }

  if (problems.length > 0) return { settings: null, problems };
  return {
    settings: {
      restUrl: rest!.href.replace(/\/+$/, ''),
      savepointBase: (binding.savepointBase as string).replace(/\/+$/, ''),
      checkpointBase: (binding.checkpointBase as string).replace(/\/+$/, ''),
      auth,
      caFile,
      pollIntervalMs,
      requestTimeoutMs,
      jobFilesUrl,
    },
    problems,
  };
}
