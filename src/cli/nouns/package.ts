import type { Command } from 'commander';
import { seg } from '../api-client.js';
import { run } from '../context.js';
import { uploadJar } from '../upload.js';

const COLUMNS = ['id', 'fileName', 'mainClass', 'sizeBytes', 'created'];

/** `sluice package upload|show|list`. */
export function packageCommands(program: Command): void {
  const noun = program.command('package').description('JAR packages');
  noun.command('upload <jar>').description('upload a JAR (a progress bar on a terminal)')
    .action(run(async (ctx, jar: string) => {
      const res = await uploadJar(ctx.api, jar, ctx.interactive);
      ctx.out.response(res, { columns: ['id', 'fileName', 'mainClass', 'entryPoints'] });
    }));
  noun.command('show <package-id>').description('show a package')
    .action(run(async (ctx, id: string) => ctx.out.response(await ctx.api.get(`/sluice/v1/packages/${seg(id)}`), { columns: [...COLUMNS, 'entryPoints', 'sha256'] })));
  noun.command('list').description('list the realm\'s packages')
    .action(run(async (ctx) => ctx.out.response(await ctx.api.get('/sluice/v1/packages'), { columns: COLUMNS })));
}
