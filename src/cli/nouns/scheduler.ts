import type { Command } from 'commander';
import { run } from '../context.js';
import { UsageError } from '../errors.js';
import { versionPath } from './version-paths.js';

interface SetFlags { cron?: string; processingType?: string; catalogTrigger?: boolean; none?: boolean }

/** The scheduler configuration the flags ask for: exactly one of a cron, the catalog trigger, or none. */
export function schedulerBody(o: SetFlags): Record<string, unknown> {
  const chosen = [o.cron !== undefined, o.catalogTrigger === true, o.none === true].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('pass exactly one of --cron <expression>, --catalog-trigger or --none');
  if (o.processingType && o.cron === undefined) throw new UsageError('--processing-type goes with --cron');
  if (o.none) return {};
  if (o.catalogTrigger) return { catalogTriggerOptions: 'version_resolver' };
  const processingType = o.processingType ?? 'changes';
  if (!['changes', 'force'].includes(processingType)) throw new UsageError(`--processing-type must be changes or force, got "${processingType}"`);
  return { timeTriggerOptions: { cronJobExpression: o.cron, processingType } };
}

/** `sluice pipeline scheduler get|set` (a batch version's triggers; only in state ready). */
export function schedulerCommands(pipeline: Command): void {
  const noun = pipeline.command('scheduler').description('when a batch version runs: on catalog changes, on a cron schedule, or once');
  noun.command('get <pipeline-id> <version-id>').description('show the scheduler configuration')
    .action(run(async (ctx, pipelineId: string, versionId: string) => ctx.out.response(await ctx.api.get(`${versionPath(pipelineId, versionId)}/scheduler-configuration`))));
  noun.command('set <pipeline-id> <version-id>').description('set the scheduler configuration of a ready version')
    .option('--cron <expression>', 'run on this Linux crontab schedule (UTC)')
    .option('--processing-type <type>', 'with --cron: changes (skip when nothing changed) or force')
    .option('--catalog-trigger', 'run when an input catalog has a new version (the version resolver)')
    .option('--none', 'no schedule: activation runs once')
    .action(run(async (ctx, pipelineId: string, versionId: string, o: SetFlags) =>
      ctx.out.response(await ctx.api.put(`${versionPath(pipelineId, versionId)}/scheduler-configuration`, schedulerBody(o)))));
}
