import { jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Db } from './database.js';
import type { JobRow, OperationRow, PipelineVersionRow } from './schema.js';
import { loadStreamWorld, type StreamWorld } from './stream-world.js';

/** Everything the engine reads about one version before deciding its next step. */
export interface VersionWorld extends StreamWorld {
  version: PipelineVersionRow;
  template: { state: string; runtimeEnvironment: string; entryPointClassName: string; packageId: string; defaultRuntimeConfiguration: string | null };
  otherVersionActive: boolean;
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
    .selectAll('v')
    .select((eb) => [
      't.state as templateState',
      't.runtimeEnvironment as templateRuntimeEnvironment',
      't.entryPointClassName as templateEntryPointClassName',
      't.packageId as templatePackageId',
      't.defaultRuntimeConfiguration as templateDefaultRuntimeConfiguration',
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
    templateState, templateRuntimeEnvironment, templateEntryPointClassName, templatePackageId, templateDefaultRuntimeConfiguration,
    otherVersionActive, operation: operationJson, job: jobJson, ...version
  } = row;
  const template = {
    state: templateState,
    runtimeEnvironment: templateRuntimeEnvironment,
    entryPointClassName: templateEntryPointClassName,
    packageId: templatePackageId,
    defaultRuntimeConfiguration: templateDefaultRuntimeConfiguration,
  };
  const operation = operationJson ? withDates(operationJson as unknown as OperationRow, OPERATION_TIMES) : undefined;
  const job = jobJson ? withDates(jobJson as unknown as JobRow, JOB_TIMES) : undefined;
  const stream = await loadStreamWorld(db, version, operation);
  return { version, template, otherVersionActive: Boolean(otherVersionActive), operation, job, ...stream };
}

const OPERATION_TIMES = ['leaseUntil', 'deadline', 'created', 'updated'] as const;
const JOB_TIMES = ['stopDeadline', 'startDeadline', 'created', 'updated', 'ended'] as const;

/**
 * A row read as JSON has its timestamps as text; the rest (JSON columns, numbers, booleans,
 * camelCase keys by the CamelCasePlugin) comes back as a plain select gives it.
 */
function withDates<T extends object>(row: T, fields: readonly (keyof T)[]): T {
  const out = { ...row };
  for (const field of fields) {
    const value = out[field] as unknown;
    if (typeof value === 'string') (out as Record<keyof T, unknown>)[field] = new Date(value);
  }
  return out;
}

/**
 * The versions `replica` must look at: those with an operation it has claimed, and those with a
 * live job it runs (it must keep watching them). One statement: the engine asks at every pass.
 */
export async function versionsToReconcile(db: Db, replica: string): Promise<string[]> {
  const rows = await db
    .selectFrom('operations')
    .select('versionId')
    .where('state', '=', 'being_processed')
    .where('claimedBy', '=', replica)
    .union(db
      .selectFrom('jobs')
      .select('versionId')
      .where('state', 'in', ['starting', 'running'])
      .where('owner', '=', replica))
    .execute();
  return rows.map((r) => r.versionId);
}
