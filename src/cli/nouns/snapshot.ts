import type { Command } from 'commander';
import { seg } from '../api-client.js';
import { run } from '../context.js';

const COLUMNS = ['id', 'created', 'pipelineVersionId', 'jobId', 'templateId'];

/** `sluice pipeline snapshot list|show`. */
export function snapshotCommands(pipeline: Command): void {
  const noun = pipeline.command('snapshot').description('stream state saved on pause and upgrade');
  noun.command('list <pipeline-id>').description('the pipeline\'s snapshots of the last 7 days, newest first')
    .action(run(async (ctx, pipelineId: string) => ctx.out.response(await ctx.api.get(`/v2/pipelines/${seg(pipelineId)}/snapshots`), { columns: COLUMNS })));
  noun.command('show <pipeline-id> <snapshot-id>').description('show a snapshot')
    .action(run(async (ctx, pipelineId: string, snapshotId: string) =>
      ctx.out.response(await ctx.api.get(`/v2/pipelines/${seg(pipelineId)}/snapshots/${seg(snapshotId)}`), { columns: [...COLUMNS, 'pipelineId', 'region'] })));
}
