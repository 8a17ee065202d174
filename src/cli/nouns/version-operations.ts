import type { Command } from 'commander';
import { seg } from '../api-client.js';
import { collect, integer, keyValues, readArgumentFile } from '../arguments.js';
import { run, type Context } from '../context.js';
import { CommandFailure, UsageError } from '../errors.js';
import { readPipelineJobConfig, type JobCatalogVersions } from '../hocon.js';
import { pollUntil, timeoutOf } from '../waiting.js';
import { OPERATION_COLUMNS, versionPath } from './version-paths.js';

interface Operation { id: string; state: string; requestType: string; message?: string; created: string }
interface Job { id: string; state: string; created: string }

const ENDED = ['succeeded', 'failed'];
const JOB_ENDED = ['completed', 'failed', 'canceled'];

interface WaitFlags { wait?: boolean; timeout?: string }
interface ActivateFlags extends WaitFlags {
  inputConfig?: string;
  inputCatalog?: string[];
  processingType?: string;
  sinceVersion?: string;
  outputBaseVersion?: string;
  snapshotId?: string;
  useLatestCheckpoint?: boolean;
  highAvailability?: boolean;
  runAs?: string;
}

/** The activation body from the flags (or an OLP `pipeline-job.conf`); undefined without any. */
export async function activationBody(o: ActivateFlags): Promise<Record<string, unknown> | undefined> {
  const body: Record<string, unknown> & JobCatalogVersions = {};
  if (o.inputConfig) Object.assign(body, await readPipelineJobConfig(await readArgumentFile(o.inputConfig, 'job configuration'), o.inputConfig));
  const pinned = keyValues(o.inputCatalog, '--input-catalog');
  if (pinned.length === 0 && (o.processingType || o.sinceVersion)) throw new UsageError('--processing-type and --since-version apply to --input-catalog label=version');
  if (o.processingType && !['changes', 'reprocess', 'no_changes'].includes(o.processingType)) {
    throw new UsageError(`--processing-type must be changes, reprocess or no_changes, got "${o.processingType}"`);
  }
  if (pinned.length > 0) {
    body.inputCatalogs = {};
    for (const [label, version] of pinned) {
      const since = o.sinceVersion === undefined ? undefined : integer(o.sinceVersion, '--since-version');
      body.inputCatalogs[label] = {
        processingType: o.processingType ?? (since === undefined ? 'reprocess' : 'changes'),
        version: integer(version, `--input-catalog ${label}`),
        ...(since === undefined ? {} : { sinceVersion: since }),
      };
    }
  }
  if (o.outputBaseVersion !== undefined) body.outputCatalog = { baseVersion: integer(o.outputBaseVersion, '--output-base-version') };
  if (o.snapshotId) body.snapshotId = o.snapshotId;
  if (o.useLatestCheckpoint) body.useLatestCheckpoint = true;
  if (o.highAvailability) body.highAvailability = true;
  if (o.runAs) body.runAsId = o.runAs;
  return Object.keys(body).length > 0 ? body : undefined;
}

async function waitForOperation(ctx: Context, base: string, id: string, timeoutSeconds: number) {
  return pollUntil(async () => {
    const res = await ctx.api.get<Operation>(`${base}/operations/${seg(id)}`);
    return ENDED.includes(res.body.state) ? res : undefined;
  }, { timeoutSeconds, label: `operation ${id}`, interactive: ctx.interactive });
}

/**
 * After a succeeded activation of a run-now batch version (a batch runtime, and catalog versions
 * pinned or no schedule to wait for): waits until its job has ended and the version has left
 * `running`. The job may already be over by then, so it is found by its creation time, not by the
 * version's state.
 */
async function waitForRunNowJob(ctx: Context, base: string, operation: Operation, pinned: boolean, deadline: number): Promise<Job | undefined> {
  const version = (await ctx.api.get(base)).body;
  const scheduled = version.schedulerConfiguration && Object.keys(version.schedulerConfiguration).length > 0;
  if (scheduled && !pinned) return undefined;
  const template = (await ctx.api.get(`/v2/templates/${seg(version.pipelineTemplateId)}`)).body;
  if (!String(template.runtimeEnvironment).startsWith('batch')) return undefined;
  const remaining = () => Math.max(1, (deadline - Date.now()) / 1000);
  const job = (await pollUntil(async () => {
    const jobs = (await ctx.api.get<Job[]>(`${base}/jobs`)).body;
    const mine = jobs.find((j) => j.created >= operation.created);
    return mine && JOB_ENDED.includes(mine.state) ? mine : undefined;
  }, { timeoutSeconds: remaining(), label: 'the job to end', interactive: ctx.interactive }));
  await pollUntil(async () => ((await ctx.api.get(base)).body.state === 'running' ? undefined : true),
    { timeoutSeconds: remaining(), label: 'the version to leave running', interactive: ctx.interactive });
  return job;
}

/** Posts the operation, prints it, and with --wait follows it to its end (exit 1 when it failed). */
async function submit(ctx: Context, pipelineId: string, versionId: string, verb: string, body: unknown, flags: WaitFlags): Promise<void> {
  const base = versionPath(pipelineId, versionId);
  const accepted = await ctx.api.post<Operation>(`${base}/operations/${verb}`, body);
  if (!flags.wait) return ctx.out.response(accepted, { columns: OPERATION_COLUMNS });
  const timeout = timeoutOf(flags.timeout);
  const deadline = Date.now() + timeout * 1000;
  const ended = await waitForOperation(ctx, base, accepted.body.id, timeout);
  ctx.out.response(ended, { columns: OPERATION_COLUMNS });
  if (ended.body.state === 'failed') throw new CommandFailure(`${verb} failed: ${ended.body.message ?? '(no message)'}`);
  if (verb !== 'activate') return;
  const pinned = typeof body === 'object' && body !== null && ('inputCatalogs' in body || 'outputCatalog' in body);
  const job = await waitForRunNowJob(ctx, base, ended.body, pinned, deadline);
  if (!job) return;
  ctx.out.note(`job ${job.id} ${job.state}`);
  if (job.state !== 'completed') {
    const ops = (await ctx.api.get<Operation[]>(`${base}/operations`)).body;
    const end = ops.find((o) => o.requestType === 'job_terminate_to_ready');
    throw new CommandFailure(`job ${job.id} ${job.state}${end?.message ? `: ${end.message}` : ''}`);
  }
}

const waitOptions = (command: Command) => command
  .option('--wait', 'return when the operation has ended (and, for a run-now batch activation, its job)')
  .option('--timeout <seconds>', 'with --wait: give up after this long (exit 1)', '600');

/** `activate|deactivate|pause|resume|cancel|upgrade` and `operation wait`. */
export function versionOperationCommands(version: Command, operation: Command): void {
  waitOptions(version.command('activate <pipeline-id> <version-id>').description('activate: run now, or schedule by its scheduler configuration')
    .option('--input-config <pipeline-job.conf>', 'catalog versions for one run (OLP\'s HOCON file)')
    .option('--input-catalog <label=version>', 'run once on this version of an input (repeatable)', collect)
    .option('--processing-type <type>', 'for --input-catalog: changes, reprocess or no_changes')
    .option('--since-version <n>', 'for --input-catalog with changes: the version after which changes count')
    .option('--output-base-version <n>', 'the output catalog version the job commits on top of')
    .option('--snapshot-id <id>', 'stream: start from this snapshot')
    .option('--use-latest-checkpoint', 'stream: start from the newest checkpoint of the pipeline\'s last job')
    .option('--high-availability', 'run with a standby (stream: restart from checkpoints when the job dies)')
    .option('--run-as <hrn>', 'the account the job runs as'))
    .action(run(async (ctx, pipelineId: string, versionId: string, o: ActivateFlags) => submit(ctx, pipelineId, versionId, 'activate', await activationBody(o), o)));

  for (const [verb, text] of [['deactivate', 'deactivate (back to ready)'], ['pause', 'pause (a stream version keeps its state in a snapshot)'], ['cancel', 'cancel the running job (stream state is not kept)']] as const) {
    waitOptions(version.command(`${verb} <pipeline-id> <version-id>`).description(text))
      .action(run(async (ctx, pipelineId: string, versionId: string, o: WaitFlags) => submit(ctx, pipelineId, versionId, verb, undefined, o)));
  }
  waitOptions(version.command('resume <pipeline-id> <version-id>').description('resume a paused version')
    .option('--high-availability', 'run with a standby'))
    .action(run(async (ctx, pipelineId: string, versionId: string, o: WaitFlags & { highAvailability?: boolean }) =>
      submit(ctx, pipelineId, versionId, 'resume', o.highAvailability ? { highAvailability: true } : undefined, o)));
  waitOptions(version.command('upgrade <pipeline-id> <version-id> [to-version-id]').description('hand over to another version of the pipeline (stream: with its state)')
    .option('--to <version-id>', 'the version to upgrade to (or give it as the third argument)')
    .option('--high-availability', 'run the new version with a standby')
    .option('--run-as <hrn>', 'the account the new job runs as'))
    .action(run(async (ctx, pipelineId: string, versionId: string, to: string | undefined, o: WaitFlags & { to?: string; highAvailability?: boolean; runAs?: string }) => {
      const target = to ?? o.to;
      if (!target) throw new UsageError('name the version to upgrade to: upgrade <pipeline-id> <version-id> <to-version-id>');
      await submit(ctx, pipelineId, versionId, 'upgrade', { toVersionId: target, ...(o.highAvailability ? { highAvailability: true } : {}), ...(o.runAs ? { runAsId: o.runAs } : {}) }, o);
    }));

  operation.command('wait <pipeline-id> <version-id> <operation-id>').description('wait until an operation has ended (exit 1 when it failed)')
    .option('--timeout <seconds>', 'give up after this long (exit 1)', '600')
    .action(run(async (ctx, pipelineId: string, versionId: string, operationId: string, o: { timeout: string }) => {
      const ended = await waitForOperation(ctx, versionPath(pipelineId, versionId), operationId, timeoutOf(o.timeout));
      ctx.out.response(ended, { columns: OPERATION_COLUMNS });
      if (ended.body.state === 'failed') throw new CommandFailure(`operation ${operationId} failed: ${ended.body.message ?? '(no message)'}`);
    }));
}
