import type { Command } from 'commander';
import { seg } from '../api-client.js';
import { keyValues, parseCluster, readArgumentFile } from '../arguments.js';
import { run, type Context } from '../context.js';
import { UsageError } from '../errors.js';
import { readPipelineConfig } from '../hocon.js';
import { pollUntil, timeoutOf } from '../waiting.js';
import { templateUuid } from './template.js';
import { versionOperationCommands } from './version-operations.js';
import { OPERATION_COLUMNS, VERSION_COLUMNS, versionPath } from './version-paths.js';

const JOB_COLUMNS = ['id', 'state', 'executionMode', 'created', 'updated'];
const LEVELS = ['error', 'warn', 'info', 'debug'];

interface CreateOptions { runtimeConfig?: string; cluster?: string; billingTag?: string; runAs?: string; multiRegion?: boolean; streamConfig?: string[] }

/** Waits until the version is in `state`. */
export async function waitForVersionState(ctx: Context, pipelineId: string, versionId: string, state: string, timeoutSeconds: number) {
  return pollUntil(async () => {
    const res = await ctx.api.get(versionPath(pipelineId, versionId));
    return res.body.state === state ? res : undefined;
  }, { timeoutSeconds, label: `version ${versionId} to be ${state}`, interactive: ctx.interactive });
}

/** `sluice pipeline version …`. */
export function versionCommands(pipeline: Command): void {
  const noun = pipeline.command('version').description('pipeline versions');
  noun.command('create <name> <pipeline-id> <template-id> <pipeline-config.conf>')
    .description('create a version from a pipeline-config.conf (HOCON: pipeline.config.output-catalog.hrn, input-catalogs.<label>.hrn)')
    .option('--runtime-config <file>', 'application.properties laid over the template\'s')
    .option('--cluster <settings>', 'cluster: workers=…,workerUnits=…,supervisorUnits=… (default: the template\'s)')
    .option('--billing-tag <tag>', 'billing tag')
    .option('--run-as <hrn>', 'the account the jobs run as')
    .option('--stream-config <key=value>', 'a Flink setting of a stream version (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--multi-region', 'enable multi-region')
    .action(run(async (ctx, name: string, pipelineId: string, templateId: string, configFile: string, o: CreateOptions) => {
      const config = await readPipelineConfig(await readArgumentFile(configFile, 'pipeline configuration'), configFile);
      const body = {
        name,
        pipelineTemplateId: await templateUuid(ctx.api, templateId),
        inputCatalogs: config.inputCatalogs,
        outputCatalogHRN: config.outputCatalogHRN,
        customRuntimeConfiguration: o.runtimeConfig ? await readArgumentFile(o.runtimeConfig, 'runtime configuration') : undefined,
        clusterConfiguration: o.cluster ? parseCluster(o.cluster) : undefined,
        billingTag: o.billingTag,
        runAsId: o.runAs,
        multiRegionEnabled: o.multiRegion,
        streamConfiguration: o.streamConfig ? Object.fromEntries(keyValues(o.streamConfig, '--stream-config')) : undefined,
      };
      ctx.out.response(await ctx.api.post(`/v2/pipelines/${seg(pipelineId)}/versions`, body), { columns: VERSION_COLUMNS });
    }));
  noun.command('list <pipeline-id>').description('list a pipeline\'s versions')
    .action(run(async (ctx, pipelineId: string) => ctx.out.response(await ctx.api.get(`/v2/pipelines/${seg(pipelineId)}/versions`), { columns: VERSION_COLUMNS })));
  noun.command('show <pipeline-id> <version-id>').description('show a version, with its latest operation and job')
    .action(run(async (ctx, pipelineId: string, versionId: string) => ctx.out.response(
      await ctx.api.get(versionPath(pipelineId, versionId), { query: { verbose: 'true' } }),
      { columns: [...VERSION_COLUMNS, 'inputCatalogs', 'schedulerConfiguration', 'nextJobAttempt', 'clusterConfiguration', 'customRuntimeConfiguration', 'latestOperation', 'latestJob'] },
    )));
  noun.command('delete <pipeline-id> <version-id>').description('delete a ready version')
    .action(run(async (ctx, pipelineId: string, versionId: string) => {
      await ctx.api.delete(versionPath(pipelineId, versionId));
      ctx.out.note(`deleted version ${versionId}`);
    }));
  noun.command('wait <pipeline-id> <version-id>').description('wait until the version is in a state')
    .requiredOption('--state <state>', 'ready, scheduled, running or paused')
    .option('--timeout <seconds>', 'give up after this long (exit 1)', '600')
    .action(run(async (ctx, pipelineId: string, versionId: string, o: { state: string; timeout: string }) => {
      if (!['ready', 'scheduled', 'running', 'paused'].includes(o.state)) throw new UsageError(`--state must be ready, scheduled, running or paused, got "${o.state}"`);
      ctx.out.response(await waitForVersionState(ctx, pipelineId, versionId, o.state, timeoutOf(o.timeout)), { columns: VERSION_COLUMNS });
    }));

  const job = noun.command('job').description('a version\'s jobs');
  job.command('list <pipeline-id> <version-id>').description('list the version\'s jobs, newest first')
    .action(run(async (ctx, pipelineId: string, versionId: string) => ctx.out.response(await ctx.api.get(`${versionPath(pipelineId, versionId)}/jobs`), { columns: JOB_COLUMNS })));

  const operation = noun.command('operation').description('a version\'s operations');
  operation.command('list <pipeline-id> <version-id>').description('list the version\'s operations, newest first')
    .action(run(async (ctx, pipelineId: string, versionId: string) => ctx.out.response(await ctx.api.get(`${versionPath(pipelineId, versionId)}/operations`), { columns: OPERATION_COLUMNS })));
  operation.command('show <pipeline-id> <version-id> <operation-id>').description('show an operation')
    .action(run(async (ctx, pipelineId: string, versionId: string, operationId: string) =>
      ctx.out.response(await ctx.api.get(`${versionPath(pipelineId, versionId)}/operations/${seg(operationId)}`), { columns: [...OPERATION_COLUMNS, 'options'] })));

  const log = noun.command('log').description('a version\'s logging');
  const level = log.command('level').description('log levels (applied to the running job too)');
  level.command('get <pipeline-id> <version-id>').description('show the logging configuration')
    .action(run(async (ctx, pipelineId: string, versionId: string) => {
      const res = await ctx.api.get(`${versionPath(pipelineId, versionId)}/logging-configuration`);
      if (ctx.out.mode === 'json') return ctx.out.response(res);
      const loggers = res.body.configuration.loggers;
      ctx.out.value([{ logger: 'root', level: loggers.root.level }, ...(loggers.logger ?? []).map((l: { name: string; level: string }) => ({ logger: l.name, level: l.level }))], { columns: ['logger', 'level'], idField: 'logger' });
    }));
  level.command('set <pipeline-id> <version-id>').description('set the root level and/or named loggers\' levels')
    .option('--root <level>', 'the root logger\'s level (error, warn, info, debug)')
    .option('--logger <name=level>', 'a named logger\'s level (repeatable; replaces the named loggers)', (v: string, p: string[] = []) => [...p, v])
    .action(run(async (ctx, pipelineId: string, versionId: string, o: { root?: string; logger?: string[] }) => {
      if (!o.root && !o.logger) throw new UsageError('pass --root <level> and/or --logger <name=level>');
      const path = `${versionPath(pipelineId, versionId)}/logging-configuration`;
      const current = (await ctx.api.get(path)).body.configuration.loggers;
      const named = o.logger ? keyValues(o.logger, '--logger').map(([name, lvl]) => ({ name, level: lvl })) : current.logger;
      for (const l of [o.root, ...(named ?? []).map((n: { level: string }) => n.level)]) {
        if (l !== undefined && !LEVELS.includes(l)) throw new UsageError(`log levels are ${LEVELS.join(', ')}, got "${l}"`);
      }
      const body = { configuration: { loggers: { root: { level: o.root ?? current.root.level }, ...(named ? { logger: named } : {}) } } };
      ctx.out.response(await ctx.api.put(path, body));
    }));
  log.command('url').description('where the logs are').command('get <pipeline-id> <version-id>').description('print the latest job\'s log URL')
    .action(run(async (ctx, pipelineId: string, versionId: string) => {
      const jobs = (await ctx.api.get(`${versionPath(pipelineId, versionId)}/jobs`)).body as { id: string; loggingUrl?: string }[];
      const url = jobs[0]?.loggingUrl;
      if (!url) throw new UsageError(`version ${versionId} has no job yet, so no log`);
      ctx.out.value({ loggingUrl: url, jobId: jobs[0].id }, { columns: ['loggingUrl', 'jobId'], idField: 'loggingUrl' });
    }));

  versionOperationCommands(noun, operation);
}
