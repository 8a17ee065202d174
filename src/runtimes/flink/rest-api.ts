import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { FlinkAnswerError, type FlinkRestClient } from './rest-client.js';

/**
 * The calls of Flink's REST API (v1, 1.18–2.x) the runtime and the conformance probe make, each
 * answer checked against the part of it that is read (Flink adds fields over versions; only
 * what Sluice relies on has to be there).
 */

export const JOB_STATUSES = ['INITIALIZING', 'CREATED', 'RUNNING', 'FAILING', 'FAILED', 'CANCELLING', 'CANCELED',
  'FINISHED', 'RESTARTING', 'SUSPENDED', 'RECONCILING'] as const;
export type FlinkJobStatus = typeof JOB_STATUSES[number];

const Overview = Type.Object({
  'flink-version': Type.String(),
  taskmanagers: Type.Integer(),
  'slots-total': Type.Integer(),
  'slots-available': Type.Integer(),
});
const ConfigEntries = Type.Array(Type.Object({ key: Type.String(), value: Type.String() }));
const JarList = Type.Object({ files: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) });
const Upload = Type.Object({ filename: Type.String(), status: Type.Literal('success') });
const RunAnswer = Type.Object({ jobid: Type.String({ pattern: '^[0-9a-f]{32}$' }) });
const JobDetails = Type.Object({
  jid: Type.String(),
  state: Type.Union(JOB_STATUSES.map((s) => Type.Literal(s))),
  'start-time': Type.Integer(),
  'end-time': Type.Integer(),
});
const JobIds = Type.Object({ jobs: Type.Array(Type.Object({ id: Type.String(), status: Type.String() })) });
const Exceptions = Type.Object({
  exceptionHistory: Type.Optional(Type.Object({
    entries: Type.Array(Type.Object({ exceptionName: Type.String(), stacktrace: Type.String() })),
  })),
  'root-exception': Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
const Checkpoints = Type.Object({
  latest: Type.Object({
    completed: Type.Union([Type.Null(), Type.Object({ id: Type.Integer(), external_path: Type.Optional(Type.String()) })]),
  }),
});
const Trigger = Type.Object({ 'request-id': Type.String() });
const AsyncResult = Type.Object({
  status: Type.Object({ id: Type.Union([Type.Literal('IN_PROGRESS'), Type.Literal('COMPLETED')]) }),
  operation: Type.Optional(Type.Union([Type.Null(), Type.Object({
    location: Type.Optional(Type.String()),
    'failure-cause': Type.Optional(Type.Object({
      class: Type.Optional(Type.String()),
      'stack-trace': Type.Optional(Type.String()),
    })),
  })])),
});

function checked<T extends TSchema>(schema: T, body: unknown, call: string): Static<T> {
  if (Value.Check(schema, body)) return body;
  const first = [...Value.Errors(schema, body)][0];
  throw new FlinkAnswerError(200, call, `the answer is not what Flink's REST API documents (${first?.path || '/'}: ${first?.message})`);
}

export interface RunRequest {
  entryClass: string;
  programArgsList: string[];
  parallelism: number;
  jobId: string;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  flinkConfiguration?: Record<string, string>;
}

export type SavepointResult =
  | { kind: 'in-progress' }
  | { kind: 'completed'; location: string }
  | { kind: 'failed'; reason: string }
  /** Flink no longer knows the trigger (expired after rest.async.store-duration, or a restarted JobManager). */
  | { kind: 'unknown' };

/** The first line of a Java stack trace: `class: message`. */
export const firstLineOf = (trace: string) => trace.split('\n')[0].trim();

export class FlinkRestApi {
  constructor(readonly client: FlinkRestClient) {}

  async overview() {
    return checked(Overview, await this.client.request({ method: 'GET', path: '/overview' }), 'GET /overview');
  }

  async jobManagerConfig(): Promise<Record<string, string>> {
    const entries = checked(ConfigEntries, await this.client.request({ method: 'GET', path: '/jobmanager/config' }), 'GET /jobmanager/config');
    return Object.fromEntries(entries.map((e) => [e.key, e.value]));
  }

  async jars() {
    return checked(JarList, await this.client.request({ method: 'GET', path: '/jars' }), 'GET /jars').files;
  }

  /** Uploads a JAR; answers its jar id (the last segment of the stored file name). */
  async uploadJar(fileName: string, content: Buffer): Promise<string> {
    const answer = checked(Upload, await this.client.request({
      method: 'POST', path: '/jars/upload',
      file: { field: 'jarfile', fileName, contentType: 'application/x-java-archive', content },
    }), 'POST /jars/upload');
    return answer.filename.split('/').pop()!;
  }

  async runJar(jarId: string, body: RunRequest): Promise<string> {
    const path = `/jars/${encodeURIComponent(jarId)}/run`;
    return checked(RunAnswer, await this.client.request({ method: 'POST', path, json: body }), `POST ${path}`).jobid;
  }

  async jobs() {
    return checked(JobIds, await this.client.request({ method: 'GET', path: '/jobs' }), 'GET /jobs').jobs;
  }

  /** The job's details, or null when the cluster does not know the job (404). */
  async job(jobId: string) {
    try {
      return checked(JobDetails, await this.client.request({ method: 'GET', path: `/jobs/${jobId}` }), 'GET /jobs/:jobid');
    } catch (error) {
      if (error instanceof FlinkAnswerError && error.status === 404) return null;
      throw error;
    }
  }

  /** The root exception of the job's latest failure, as `class: message` (not a stack dump). */
  async rootException(jobId: string): Promise<string | null> {
    const body = checked(Exceptions, await this.client.request({ method: 'GET', path: `/jobs/${jobId}/exceptions` }), 'GET /jobs/:jobid/exceptions');
    const entry = body.exceptionHistory?.entries[0];
    if (entry) return firstLineOf(entry.stacktrace) || entry.exceptionName;
    const legacy = body['root-exception'];
    return legacy ? firstLineOf(legacy) : null;
  }

  /** `latest.completed.external_path`: the newest retained checkpoint, if any. */
  async latestCheckpoint(jobId: string): Promise<{ id: number; location: string } | null> {
    const body = checked(Checkpoints, await this.client.request({ method: 'GET', path: `/jobs/${jobId}/checkpoints` }), 'GET /jobs/:jobid/checkpoints');
    const completed = body.latest.completed;
    return completed?.external_path ? { id: completed.id, location: completed.external_path } : null;
  }

  /** POST /jobs/:jobid/stop; the triggerId is ours, so asking again after a crash is the same operation. */
  async stopWithSavepoint(jobId: string, targetDirectory: string, triggerId: string): Promise<string> {
    const answer = await this.client.request({
      method: 'POST', path: `/jobs/${jobId}/stop`, json: { targetDirectory, drain: false, triggerId },
    });
    return checked(Trigger, answer, 'POST /jobs/:jobid/stop')['request-id'];
  }

  /** A savepoint for a snapshot of a running job, which keeps running. */
  async triggerSavepoint(jobId: string, targetDirectory: string, triggerId: string): Promise<string> {
    const answer = await this.client.request({
      method: 'POST', path: `/jobs/${jobId}/savepoints`, json: { 'target-directory': targetDirectory, 'cancel-job': false, triggerId },
    });
    return checked(Trigger, answer, 'POST /jobs/:jobid/savepoints')['request-id'];
  }

  /** Where a savepoint operation is. A failure is COMPLETED with a failure-cause, not a status of its own. */
  async savepointStatus(jobId: string, triggerId: string): Promise<SavepointResult> {
    let body: unknown;
    try {
      body = await this.client.request({ method: 'GET', path: `/jobs/${jobId}/savepoints/${triggerId}` });
    } catch (error) {
      if (error instanceof FlinkAnswerError && error.status === 404) return { kind: 'unknown' };
      throw error;
    }
    const result = checked(AsyncResult, body, 'GET /jobs/:jobid/savepoints/:triggerid');
    if (result.status.id === 'IN_PROGRESS') return { kind: 'in-progress' };
    const cause = result.operation?.['failure-cause'];
    if (cause) {
      const trace = cause['stack-trace'] ? firstLineOf(cause['stack-trace']) : '';
      return { kind: 'failed', reason: trace || cause.class || 'the savepoint failed' };
    }
    if (result.operation?.location) return { kind: 'completed', location: result.operation.location };
    return { kind: 'failed', reason: 'the savepoint completed without a location' };
  }

  /** PATCH /jobs/:jobid?mode=cancel. A job that already ended (409) or is unknown (404) needs no cancel. */
  async cancel(jobId: string): Promise<'cancelling' | 'already-ended' | 'unknown'> {
    try {
      await this.client.request({ method: 'PATCH', path: `/jobs/${jobId}?mode=cancel` });
      return 'cancelling';
    } catch (error) {
      if (error instanceof FlinkAnswerError && error.status === 409) return 'already-ended';
      if (error instanceof FlinkAnswerError && error.status === 404) return 'unknown';
      throw error;
    }
  }
}
