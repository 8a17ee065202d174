import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { seg, type ApiClient } from '../api-client.js';
import { isUuid, parseCluster, readArgumentFile } from '../arguments.js';
import { run, type Context } from '../context.js';
import { CommandFailure, UsageError } from '../errors.js';
import { uploadJar } from '../upload.js';
import { pollUntil, timeoutOf } from '../waiting.js';
import { matching } from './pipeline.js';

const COLUMNS = ['id', 'name', 'state', 'runtimeEnvironment', 'packageId', 'entryPointClassName', 'created'];
export const DEFAULT_CLUSTER = { workers: 1, workerUnits: 1, supervisorUnits: 1 };

interface TemplateOptions {
  inputCatalogIds?: string;
  cluster?: string;
  runtimeConfig?: string;
  group?: string;
  scope?: string;
  description?: string;
  timeout?: string;
}

/** A package id as given, or the id of the JAR uploaded from the path given. */
export async function packageIdOf(ctx: Context, jarOrId: string): Promise<string> {
  if (isUuid(jarOrId)) return jarOrId.toLowerCase();
  if (!(await fs.stat(jarOrId).then((s) => s.isFile(), () => false))) {
    throw new UsageError(`${jarOrId} is neither a package id nor a JAR file`);
  }
  return (await uploadJar(ctx.api, jarOrId, ctx.interactive)).body.id;
}

/** Waits until the service has checked a new template (state `created` or `creation_failed`). */
export async function settledTemplate(ctx: Context, id: string, timeoutSeconds: number) {
  return pollUntil(async () => {
    const res = await ctx.api.get(`/v2/templates/${seg(id)}`);
    return res.body.state === 'creating' ? undefined : res;
  }, { timeoutSeconds, label: `template ${id} to be checked`, interactive: ctx.interactive });
}

/** The UUID of a template given by id or HRN (version bodies take only UUIDs). */
export async function templateUuid(api: ApiClient, idOrHrn: string): Promise<string> {
  return isUuid(idOrHrn) ? idOrHrn.toLowerCase() : (await api.get(`/v2/templates/${seg(idOrHrn)}`)).body.id;
}

/** `sluice pipeline template create|list|show|delete`. */
export function templateCommands(pipeline: Command): void {
  const noun = pipeline.command('template').description('pipeline templates');
  noun.command('create <name> <runtime-environment> <jar-or-package-id> <entry-point-class>')
    .description('create a template from a JAR (uploaded first) or an uploaded package; waits until it is checked')
    .option('--input-catalog-ids <labels>', 'the input catalog labels, comma-separated')
    .option('--cluster <settings>', 'default cluster: workers=…,workerUnits=…,supervisorUnits=…[,gcProfile=…]')
    .option('--runtime-config <file>', 'default application.properties')
    .option('--group <group-id>', 'the group that owns it')
    .option('--scope <project-hrn>', 'create it in this project')
    .option('--description <text>', 'description')
    .option('--timeout <seconds>', 'how long to wait for the check', '120')
    .action(run(async (ctx, name: string, runtime: string, jarOrId: string, entryPoint: string, o: TemplateOptions) => {
      if (!o.group && !o.scope) throw new UsageError('pass --group <group-id>, or --scope <project-hrn> for a template in a project');
      const body = {
        name,
        runtimeEnvironment: runtime,
        packageId: await packageIdOf(ctx, jarOrId),
        entryPointClassName: entryPoint,
        inputCatalogIds: o.inputCatalogIds ? o.inputCatalogIds.split(',').map((s) => s.trim()).filter(Boolean) : [],
        defaultClusterConfiguration: o.cluster ? parseCluster(o.cluster) : DEFAULT_CLUSTER,
        groupId: o.group,
        description: o.description,
        defaultRuntimeConfiguration: o.runtimeConfig ? await readArgumentFile(o.runtimeConfig, 'runtime configuration') : undefined,
      };
      const created = await ctx.api.post('/v2/templates', body);
      const settled = await settledTemplate(ctx, created.body.id, timeoutOf(o.timeout, 120));
      ctx.out.response(settled, { columns: [...COLUMNS, 'stateMessage', 'hrn'] });
      if (settled.body.state !== 'created') throw new CommandFailure(`template ${settled.body.id} is ${settled.body.state}: ${settled.body.stateMessage ?? ''}`);
    }));
  noun.command('list [filter]').description('list templates (whose name or description contains the filter)')
    .option('--linkable', 'only templates in state created')
    .action(run(async (ctx, filter: string | undefined, o: { linkable?: boolean }) => {
      const res = await ctx.api.get('/v2/templates', { query: { linkable: o.linkable ? 'true' : undefined } });
      if (!filter) return ctx.out.response(res, { columns: COLUMNS });
      ctx.out.value(matching(res.body, filter), { columns: COLUMNS });
    }));
  noun.command('show <template-id>').description('show a template (id or HRN)')
    .action(run(async (ctx, id: string) => ctx.out.response(await ctx.api.get(`/v2/templates/${seg(id)}`), {
      columns: [...COLUMNS, 'stateMessage', 'inputCatalogIds', 'defaultClusterConfiguration', 'defaultRuntimeConfiguration', 'groupId', 'hrn'],
    })));
  noun.command('delete <template-id>').description('delete a template no version uses')
    .action(run(async (ctx, id: string) => {
      await ctx.api.delete(`/v2/templates/${seg(id)}`);
      ctx.out.note(`deleted template ${id}`);
    }));
}
