import {
  ClusterRejected, ClusterUnavailable,
  type DriverPhase, type DriverRequest, type DriverStatus, type KillAnswer, type SparkSubmitter, type Submission,
} from './submitter.js';

const PHASES: DriverPhase[] = ['SUBMITTED', 'RUNNING', 'RELAUNCHING', 'FINISHED', 'FAILED', 'KILLED', 'ERROR', 'UNKNOWN'];

/** What a master that is not the ALIVE one says, on submit, status and kill alike. */
const NOT_ALIVE = /Current state is not alive|in ALIVE state/;

type Answer = Record<string, unknown>;

/**
 * Spark standalone's REST submission server (`spark.master.rest.enabled=true`, port 6066):
 * `POST /v1/submissions/create`, `GET /v1/submissions/status/<id>`, `POST /v1/submissions/kill/<id>`,
 * flat JSON messages named by `action`. Cluster deploy mode only: the driver runs on a worker.
 *
 * HTTP 200 does not mean success: a master in STANDBY (or still RECOVERING) answers 200 with
 * `success: false` and "Can only accept driver submissions in ALIVE state"; that, like a refused
 * connection or a timeout, is ClusterUnavailable (retry later, nothing was submitted). 400 and
 * 468 are ErrorResponses for a request the server cannot read: ClusterRejected.
 */
export class StandaloneRestSubmitter implements SparkSubmitter {
  readonly label = 'Spark standalone REST';

  constructor(private readonly options: { restUrl: string; sparkVersion: string; timeoutMs: number; fetch?: typeof fetch }) {}

  async submit(request: DriverRequest): Promise<Submission> {
    const body = {
      action: 'CreateSubmissionRequest',
      clientSparkVersion: this.options.sparkVersion,
      appResource: request.appResource,
      mainClass: request.mainClass,
      // Required before Spark 4 even when empty.
      appArgs: request.appArgs,
      sparkProperties: { ...request.sparkProperties, 'spark.app.name': request.appName },
      environmentVariables: request.environmentVariables,
    };
    const answer = await this.call('POST', '/v1/submissions/create', 'CreateSubmissionResponse', body);
    const message = typeof answer.message === 'string' ? answer.message : '';
    if (answer.success === true && typeof answer.submissionId === 'string') {
      const unknownFields = Array.isArray(answer.unknownFields) ? answer.unknownFields.map(String) : [];
      return { accepted: true, submissionId: answer.submissionId, message, unknownFields };
    }
    if (NOT_ALIVE.test(message)) throw new ClusterUnavailable(`the Spark master does not take submissions now: ${message}`);
    return { accepted: false, message: message || 'the Spark master refused the submission without a message' };
  }

  async status(submissionId: string): Promise<DriverStatus> {
    const answer = await this.call('GET', `/v1/submissions/status/${encodeURIComponent(submissionId)}`, 'SubmissionStatusResponse');
    const message = typeof answer.message === 'string' ? answer.message : null;
    if (answer.success !== true) {
      if (message && NOT_ALIVE.test(message)) throw new ClusterUnavailable(`the Spark master cannot answer for drivers now: ${firstLine(message.replace(/^Exception from the cluster:\s*/, ''))}`);
      return { found: false, message };
    }
    const state = PHASES.find((p) => p === answer.driverState) ?? 'UNKNOWN';
    const worker = typeof answer.workerId === 'string' && typeof answer.workerHostPort === 'string'
      ? { id: answer.workerId, hostPort: answer.workerHostPort }
      : null;
    return { found: true, state, worker, message };
  }

  async kill(submissionId: string): Promise<KillAnswer> {
    const answer = await this.call('POST', `/v1/submissions/kill/${encodeURIComponent(submissionId)}`, 'KillSubmissionResponse');
    const message = typeof answer.message === 'string' ? answer.message : '';
    if (answer.success === true) return { accepted: true, message };
    if (NOT_ALIVE.test(message)) throw new ClusterUnavailable(`the Spark master cannot kill drivers now: ${message}`);
    return { accepted: false, message };
  }

  private async call(method: 'GET' | 'POST', pathname: string, expected: string, body?: unknown): Promise<Answer> {
    const url = `${this.options.restUrl}${pathname}`;
    let response: Response;
    let text: string;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json;charset=UTF-8' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : describe(error);
      throw new ClusterUnavailable(`the Spark master at ${this.options.restUrl} cannot be reached: ${reason}`);
    }
    let answer: Answer | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) answer = parsed as Answer;
    } catch {
      answer = undefined;
    }
    if (answer?.action === 'ErrorResponse') {
      const message = firstLine(String(answer.message ?? ''));
      if (response.status >= 500) throw new ClusterUnavailable(`the Spark master failed: ${message}`);
      throw new ClusterRejected(`the Spark master refused ${method} ${pathname} (HTTP ${response.status}): ${message}`, response.status);
    }
    if (response.status !== 200 || answer?.action !== expected) {
      throw new ClusterUnavailable(`${url} did not answer as a Spark REST submission server (HTTP ${response.status}${answer ? `, action ${String(answer.action)}` : ', not JSON'}); is spark.master.rest.enabled=true?`);
    }
    return answer;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  return code ? `${error.message} (${code})` : error.message;
}
