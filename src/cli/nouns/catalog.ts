import type { Command } from 'commander';
import { seg } from '../api-client.js';
import { run } from '../context.js';

/** `sluice catalog version publish|list`: the local catalog registry (SLUICE_CATALOG_SOURCE=local). */
export function catalogCommands(program: Command): void {
  const noun = program.command('catalog').description('the local catalog registry');
  const version = noun.command('version').description('catalog versions');
  version.command('publish <catalog-hrn>').description('publish the next version of a catalog (triggers scheduled versions reading it)')
    .action(run(async (ctx, hrn: string) => ctx.out.response(await ctx.api.post(`/sluice/v1/catalogs/${seg(hrn)}/versions`), { idField: 'version' })));
  version.command('list <catalog-hrn>').description('list a catalog\'s versions')
    .action(run(async (ctx, hrn: string) => {
      const res = await ctx.api.get(`/sluice/v1/catalogs/${seg(hrn)}/versions`);
      if (ctx.out.mode === 'json') return ctx.out.response(res);
      ctx.out.value(res.body.versions, { columns: ['version', 'published', 'publishedBy'], idField: 'version' });
    }));
}
