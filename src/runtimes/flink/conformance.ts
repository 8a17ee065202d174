import crypto from 'node:crypto';
import { FlinkAnswerError, FlinkUnreachableError } from './rest-client.js';
import type { FlinkRestApi } from './rest-api.js';

/**
 * The checks of `npm run check:flink`: does this JobManager answer the calls the Flink runtime
 * makes, the way the runtime expects? Nothing is changed on the cluster: everything is a read,
 * except one run request for a JAR id that cannot exist (random), which Flink refuses before
 * anything runs; how it refuses tells whether the cluster knows `flinkConfiguration` (1.17+).
 */
export interface CheckResult {
  name: string;
  outcome: 'ok' | 'warn' | 'fail';
  detail: string;
}

const describe = (error: unknown) =>
  error instanceof FlinkAnswerError || error instanceof FlinkUnreachableError ? error.message : String(error);

export interface ConformanceOptions {
  /** The binding's savepoint base; checked against the cluster's own default, if any. */
  savepointBase?: string;
  /** Task slots a job of the largest expected parallelism needs. */
  slotsNeeded?: number;
}

export async function checkConformance(api: FlinkRestApi, options: ConformanceOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const add = (name: string, outcome: CheckResult['outcome'], detail: string) => results.push({ name, outcome, detail });

  let overview;
  try {
    overview = await api.overview();
  } catch (error) {
    add('reachable', 'fail', describe(error));
    return results;
  }
  const [major, minor] = overview['flink-version'].split('.').map(Number);
  add('reachable', 'ok', `Flink ${overview['flink-version']}, ${overview.taskmanagers} TaskManagers, ${overview['slots-total']} slots (${overview['slots-available']} free)`);
  const supported = major >= 2 || (major === 1 && minor >= 18);
  add('version', supported ? 'ok' : 'warn', supported
    ? `${major >= 2 ? '2.x: programArgs is gone, programArgsList is used' : '1.x'}; the runtime sends only fields this version knows`
    : `${overview['flink-version']} is older than 1.18, the oldest version the runtime is tested for`);

  try {
    const jars = await api.jars();
    add('jar endpoints', 'ok', `GET /jars answers (${jars.length} JARs uploaded); web.submit.enable is on`);
  } catch (error) {
    const off = error instanceof FlinkAnswerError && error.status === 404;
    add('jar endpoints', 'fail', off ? 'GET /jars is not served: set web.submit.enable: true on the cluster, the runtime uploads JARs' : describe(error));
  }

  try {
    await api.jobs();
    add('job endpoints', 'ok', 'GET /jobs answers');
  } catch (error) {
    add('job endpoints', 'fail', describe(error));
  }

  try {
    const config = await api.jobManagerConfig();
    const ttl = config['rest.async.store-duration'];
    add('savepoint results', 'ok', `trigger results are kept ${ttl ?? 'for the default 5 min'}; the runtime polls well within that`);
    const clusterDir = config['state.savepoints.dir'];
    if (options.savepointBase && clusterDir && clusterDir !== options.savepointBase) {
      add('savepoint base', 'warn', `the binding writes savepoints to ${options.savepointBase}, the cluster's own default is ${clusterDir}; both work, the binding's wins`);
    }
  } catch (error) {
    add('cluster configuration', 'warn', `GET /jobmanager/config: ${describe(error)} (only informational)`);
  }

  // A run for a JAR that cannot exist: refused before anything runs. A cluster that knows
  // flinkConfiguration says the JAR is missing; one that does not refuses the body's format.
  const noJar = `${crypto.randomUUID()}_sluice-conformance-probe.jar`;
  try {
    await api.client.request({ method: 'POST', path: `/jars/${noJar}/run`, json: { flinkConfiguration: {} } });
    add('run request', 'fail', `a run of a JAR that does not exist (${noJar}) was accepted`);
  } catch (error) {
    if (error instanceof FlinkAnswerError && /does not exist/i.test(error.flinkMessage)) {
      add('run request', 'ok', 'POST /jars/:jarid/run takes flinkConfiguration (per-job checkpoint settings) and refuses an unknown JAR with 400');
    } else if (error instanceof FlinkAnswerError && /did not match expected format/i.test(error.flinkMessage)) {
      add('run request', 'fail', 'the cluster does not know flinkConfiguration in run requests (Flink 1.17+ needed)');
    } else add('run request', 'fail', describe(error));
  }

  const jobId = crypto.randomBytes(16).toString('hex');
  const triggerId = crypto.randomBytes(16).toString('hex');
  try {
    const status = await api.savepointStatus(jobId, triggerId);
    add('savepoint status', status.kind === 'unknown' ? 'ok' : 'fail', status.kind === 'unknown'
      ? 'an unknown trigger answers 404, as the runtime expects'
      : `an unknown trigger answered ${status.kind}`);
  } catch (error) {
    add('savepoint status', 'fail', describe(error));
  }
  try {
    const job = await api.job(jobId);
    add('unknown job', job === null ? 'ok' : 'fail', job === null ? 'an unknown job answers 404' : 'an unknown job id answered with a job');
  } catch (error) {
    add('unknown job', 'fail', describe(error));
  }

  if (options.slotsNeeded !== undefined) {
    const enough = overview['slots-total'] >= options.slotsNeeded;
    add('slots', enough ? 'ok' : 'warn', enough
      ? `${overview['slots-total']} slots for a job of parallelism ${options.slotsNeeded}`
      : `a job of parallelism ${options.slotsNeeded} needs ${options.slotsNeeded} slots, the cluster has ${overview['slots-total']} (fine if it adds TaskManagers on demand)`);
  }
  return results;
}
