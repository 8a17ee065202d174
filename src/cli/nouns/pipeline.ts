import type { Command } from 'commander';
import { seg } from '../api-client.js';
import { run } from '../context.js';
import { UsageError } from '../errors.js';

const COLUMNS = ['id', 'name', 'groupId', 'home', 'description', 'created'];

interface Row { name?: string; description?: string }
/** OLP's `[filter]`: rows whose name or description contains the text. */
export const matching = (rows: Row[], filter?: string) =>
  filter ? rows.filter((r) => r.name?.includes(filter) || r.description?.includes(filter)) : rows;

/** `sluice pipeline create|list|show|update|delete` (the nouns below `pipeline` add themselves). */
export function pipelineCommands(pipeline: Command): void {
  pipeline.command('create <name>').description('create a pipeline in a group (or, with --scope, in a project)')
    .option('--group <group-id>', 'the group that owns it (GROUP-…)')
    .option('--scope <project-hrn>', 'create it in this project (asks a token scoped to it)')
    .option('--description <text>', 'description')
    .option('--email <address>', 'contact e-mail')
    .action(run(async (ctx, name: string, o: { group?: string; scope?: string; description?: string; email?: string }) => {
      if (!o.group && !o.scope) throw new UsageError('pass --group <group-id>, or --scope <project-hrn> for a pipeline in a project');
      if (o.group && o.scope) throw new UsageError('--group and --scope cannot be used together');
      const res = await ctx.api.post('/v2/pipelines', { name, groupId: o.group, description: o.description, contactEmail: o.email });
      ctx.out.response(res, { columns: [...COLUMNS, 'hrn'] });
    }));
  pipeline.command('list [filter]').description('list pipelines (whose name or description contains the filter)')
    .option('--scope <project-hrn>', 'list a project\'s pipelines')
    .action(run(async (ctx, filter: string | undefined) => {
      const res = await ctx.api.get<Row[]>('/v2/pipelines');
      if (!filter) return ctx.out.response(res, { columns: COLUMNS });
      ctx.out.value(matching(res.body, filter), { columns: COLUMNS });
    }));
  pipeline.command('show <pipeline-id>').description('show a pipeline (id or HRN)')
    .action(run(async (ctx, id: string) => ctx.out.response(await ctx.api.get(`/v2/pipelines/${seg(id)}`), { columns: [...COLUMNS, 'hrn', 'contactEmail', 'updated'] })));
  pipeline.command('update <pipeline-id>').description('change a pipeline\'s name, description or contact e-mail')
    .option('--name <name>', 'new name').option('--description <text>', 'new description').option('--email <address>', 'new contact e-mail')
    .action(run(async (ctx, id: string, o: { name?: string; description?: string; email?: string }) => {
      const current = (await ctx.api.get(`/v2/pipelines/${seg(id)}`)).body;
      const res = await ctx.api.put(`/v2/pipelines/${seg(id)}`, {
        name: o.name ?? current.name,
        description: o.description ?? current.description,
        contactEmail: o.email ?? current.contactEmail,
        groupId: current.groupId,
      });
      ctx.out.response(res, { columns: [...COLUMNS, 'contactEmail', 'updated'] });
    }));
  pipeline.command('delete <pipeline-id>').description('delete a pipeline and its versions (none may be active)')
    .action(run(async (ctx, id: string) => {
      await ctx.api.delete(`/v2/pipelines/${seg(id)}`);
      ctx.out.note(`deleted pipeline ${id}`);
    }));
}
