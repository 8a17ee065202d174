import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { seg } from '../api-client.js';
import { collect } from '../arguments.js';
import { run, type Context } from '../context.js';
import { UsageError } from '../errors.js';

const APP_COLUMNS = ['id', 'name', 'userId', 'roles', 'created'];
const KEY_COLUMNS = ['id', 'state', 'created', 'disabled', 'lastUsed'];

/**
 * A new key's credentials.properties: written to `--output` (mode 0600, never over an existing
 * file) or, without it, printed. Its secret is never shown again.
 */
async function deliverCredentials(ctx: Context, credentials: string, output: string | undefined, what: unknown, columns: string[]): Promise<void> {
  if (output) {
    try {
      await fs.writeFile(output, credentials, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      throw new UsageError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code === 'EEXIST' ? 'it exists (the new secret is not written over a file)' : String(error)}`);
    }
    ctx.out.value(what, { columns });
    ctx.out.note(`credentials written to ${output}`);
    return;
  }
  if (ctx.out.mode === 'table') process.stdout.write(credentials);
  else ctx.out.value(what, { columns });
}

/** `sluice app create|list|show|delete` and `sluice app key list|create|rotate|disable|enable` (OrgAdmin). */
export function appCommands(program: Command): void {
  const noun = program.command('app').description('apps whose credentials.properties get tokens from Sluice (OrgAdmin)');
  noun.command('create <name>').description('create an app and its first access key; prints (or writes) its credentials.properties')
    .option('--role <role>', 'a role its tokens carry, e.g. OrgAdmin (repeatable)', collect)
    .option('--description <text>', 'description')
    .option('-o, --output <file>', 'write credentials.properties here (mode 0600) instead of printing it')
    .action(run(async (ctx, name: string, o: { role?: string[]; description?: string; output?: string }) => {
      const res = await ctx.api.post('/sluice/v1/apps', { name, description: o.description, roles: o.role });
      if (ctx.out.mode === 'json' && !o.output) return ctx.out.response(res);
      await deliverCredentials(ctx, res.body.credentials, o.output, res.body.app, APP_COLUMNS);
    }));
  noun.command('list').description('list the realm\'s apps')
    .action(run(async (ctx) => ctx.out.response(await ctx.api.get('/sluice/v1/apps'), { columns: APP_COLUMNS })));
  noun.command('show <app-id>').description('show an app')
    .action(run(async (ctx, id: string) => ctx.out.response(await ctx.api.get(`/sluice/v1/apps/${seg(id)}`), { columns: [...APP_COLUMNS, 'description', 'createdBy'] })));
  noun.command('delete <app-id>').description('delete an app and its keys (their tokens are refused at once)')
    .action(run(async (ctx, id: string) => {
      await ctx.api.delete(`/sluice/v1/apps/${seg(id)}`);
      ctx.out.note(`deleted app ${id}`);
    }));

  const key = noun.command('key').description('an app\'s access keys');
  key.command('list <app-id>').description('list the app\'s keys (never their secrets)')
    .action(run(async (ctx, id: string) => ctx.out.response(await ctx.api.get(`/sluice/v1/apps/${seg(id)}/keys`), { columns: KEY_COLUMNS })));
  key.command('create <app-id>').description('another key (at most 2 enabled); prints (or writes) its credentials.properties')
    .option('-o, --output <file>', 'write credentials.properties here (mode 0600)')
    .action(run(async (ctx, id: string, o: { output?: string }) => {
      const res = await ctx.api.post(`/sluice/v1/apps/${seg(id)}/keys`);
      if (ctx.out.mode === 'json' && !o.output) return ctx.out.response(res);
      await deliverCredentials(ctx, res.body.credentials, o.output, res.body.accessKey, KEY_COLUMNS);
    }));
  key.command('rotate <app-id> <key-id>').description('a new key, and this one disabled, at once')
    .option('-o, --output <file>', 'write the new credentials.properties here (mode 0600)')
    .action(run(async (ctx, id: string, keyId: string, o: { output?: string }) => {
      const res = await ctx.api.post(`/sluice/v1/apps/${seg(id)}/keys/${seg(keyId)}/rotate`);
      if (ctx.out.mode === 'json' && !o.output) return ctx.out.response(res);
      await deliverCredentials(ctx, res.body.credentials, o.output, res.body.accessKey, KEY_COLUMNS);
    }));
  for (const verb of ['disable', 'enable']) {
    key.command(`${verb} <app-id> <key-id>`).description(verb === 'disable' ? 'disable a key: its tokens are refused from their next request' : 'enable a disabled key again')
      .action(run(async (ctx, id: string, keyId: string) =>
        ctx.out.response(await ctx.api.post(`/sluice/v1/apps/${seg(id)}/keys/${seg(keyId)}/${verb}`), { columns: KEY_COLUMNS })));
  }
}
