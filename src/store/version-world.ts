import { jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Db } from './database.js';
import type { JobRow, OperationRow, PipelineVersionRow } from './schema.js';
import { loadStreamWorld, type StreamWorld } from './stream-world.js';

/** Everything the engine reads about one version before deciding its next step. */
export interface VersionWorld extends StreamWorld {
  version: PipelineVersionRow;
  template: {
    state: string; runtimeEnvironment: string; entryPointClassName: string; packageId: string; defaultRuntimeConfiguration: string | null;
    /** The stored JAR of the template's package in the version's realm; null if the package is gone. */
    packagePath: string | null;
  };
  otherVersionActive: boolean;
  /** The pipeline's project (null outside projects): who may read the version's events. */
  pipelineHome: string | null;
  /** The oldest user operation in flight on the version that `replica` has claimed. */
  operation?: OperationRow;
  /** The version's job in `starting` or `running`, if any. */
  job?: JobRow;
}

/**
 * One statement: the version with its template, whether another version of the pipeline is
 * active, and the operation and job rows as JSON (the engine loads this before every step, so
 * five round trips per step were most of an activation's queries).
 */
export async function loadVersionWorld(db: Db, versionId: string, replica: string): Promise<VersionWorld | undefined> {
  const row = await db
    .selectFrom('pipelineVersions as v')
    .innerJoin('pipelineTemplates as t', 't.id', 'v.pipelineTemplateId')
    .innerJoin('pipelines as pl', 'pl.id', 'v.pipelineId')
    .leftJoin('packages as p', (join) => join.onRef('p.id', '=', 't.packageId').onRef('p.realm', '=', 'v.realm'))
    .selectAll('v')
    .select((eb) => [
      't.state as templateState',
      't.runtimeEnvironment as templateRuntimeEnvironment',
      't.entryPointClassName as templateEntryPointClassName',
      't.packageId as templatePackageId',
      't.defaultRuntimeConfiguration as templateDefaultRuntimeConfiguration',
      'p.storagePath as packagePath',
      'pl.home as pipelineHome',
      eb.exists(eb
        .selectFrom('pipelineVersions as other')
        .select('other.id')
        .whereRef('other.pipelineId', '=', 'v.pipelineId')
        .whereRef('other.id', '!=', 'v.id')
        .where('other.state', '!=', 'ready')).as('otherVersionActive'),
      jsonObjectFrom(eb
        .selectFrom('operations')
        .selectAll()
        .whereRef('versionId', '=', 'v.id')
        .where('state', '=', 'being_processed')
        .where('claimedBy', '=', replica)
        .where('byService', '=', false)
        .orderBy('seq')
        .limit(1)).as('operation'),
      jsonObjectFrom(eb
        .selectFrom('jobs')
        .selectAll()
        .whereRef('versionId', '=', 'v.id')
        .where('state', 'in', ['starting', 'running'])
        .orderBy('seq', 'desc')
        .limit(1)).as('job'),
    ])
    .where('v.id', '=', versionId)
    .executeTakeFirst();
  if (!row) return undefined;
  const {
    templateState, templateRuntimeEnvironment, templateEntryPointClassName, templatePackageId, templateDefaultRuntimeConfiguration, packagePath,
    otherVersionActive, pipelineHome, operation: operationJson, job: jobJson, ...version
  } = row;
  const template = {
    state: templateState,
    runtimeEnvironment: templateRuntimeEnvironment,
    entryPointClassName: templateEntryPointClassName,
    packageId: templatePackageId,
    defaultRuntimeConfiguration: templateDefaultRuntimeConfiguration,
    packagePath: packagePath ?? null,
  };
  const operation = operationJson ? rowFromJson<OperationRow>(operationJson, OPERATION_TIMES) : undefined;
  const job = jobJson ? rowFromJson<JobRow>(jobJson, JOB_TIMES) : undefined;
  const stream = await loadStreamWorld(db, version, operation);
  return { version, template, otherVersionActive: Boolean(otherVersionActive), pipelineHome, operation, job, ...stream };
}

const OPERATION_TIMES = new Set(['leaseUntil', 'deadline', 'created', 'updated']);
const JOB_TIMES = new Set(['stopDeadline', 'startDeadline', 'created', 'updated', 'ended', 'folderRemoved']);

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * A row read as JSON, as a plain select would give it: column names in camelCase (whether or not
 * the CamelCasePlugin reaches into nested objects) and timestamps as Dates, not text. JSON
 * columns, numbers and booleans are already what a plain select gives.
 */
function rowFromJson<T>(json: unknown, times: Set<string>): T {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const name = camel(key);
    row[name] = times.has(name) && typeof value === 'string' ? new Date(value) : value;
  }
  return row as T;
}

/**
 * The versions `replica` must look at: those with an operation it has claimed, and those with a
 * live job it looks after (it must keep watching them), only those on `runtimes` when given, or
 * none of those when `jobs` is false. One statement: the engine asks at every pass.
 */
export async function versionsToReconcile(db: Db, replica: string, which: { jobs?: boolean; runtimes?: string[] } = {}): Promise<string[]> {
  const claimed = db
    .selectFrom('operations')
    .select('versionId')
    .where('state', '=', 'being_processed')
    .where('claimedBy', '=', replica);
  if (which.jobs === false || which.runtimes?.length === 0) return (await claimed.execute()).map((r) => r.versionId);
  let jobs = db
    .selectFrom('jobs')
    .select('versionId')
    .where('state', 'in', ['starting', 'running'])
    .where('owner', '=', replica);
  if (which.runtimes) jobs = jobs.where('runtime', 'in', which.runtimes);
  const rows = await claimed.union(jobs).execute();
  return rows.map((r) => r.versionId);
}
