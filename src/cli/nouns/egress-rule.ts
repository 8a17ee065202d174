import type { Command } from 'commander';
import { seg } from '../api-client.js';
import { run } from '../context.js';

const COLUMNS = ['id', 'destination', 'destinationType', 'description', 'created'];

/** `sluice egress-rule create|list|show|delete|audit`. */
export function egressRuleCommands(program: Command): void {
  const noun = program.command('egress-rule').description('where jobs may connect (realm-wide)');
  noun.command('create <destination...>').description('allow destinations (IP addresses or host names, *.example.com); all or none')
    .option('--description <text>', 'description of each rule')
    .action(run(async (ctx, destinations: string[], o: { description?: string }) =>
      ctx.out.response(await ctx.api.post('/v2/egressRules', destinations.map((destination) => ({ destination, description: o.description }))), { columns: COLUMNS })));
  noun.command('list').description('list the realm\'s egress rules')
    .action(run(async (ctx) => ctx.out.response(await ctx.api.get('/v2/egressRules'), { columns: COLUMNS })));
  noun.command('show <rule-id>').description('show an egress rule')
    .action(run(async (ctx, id: string) => ctx.out.response(await ctx.api.get(`/v2/egressRules/${seg(id)}`), { columns: COLUMNS })));
  noun.command('delete <rule-id>').description('delete an egress rule')
    .action(run(async (ctx, id: string) => {
      await ctx.api.delete(`/v2/egressRules/${seg(id)}`);
      ctx.out.note(`deleted egress rule ${id}`);
    }));
  noun.command('audit').description('the audit log of egress rules (OrgAdmin)')
    .option('--rule-id <id>').option('--destination <destination>').option('--action <created|deleted>').option('--principal <user-id>')
    .action(run(async (ctx, o: { ruleId?: string; destination?: string; action?: string; principal?: string }) =>
      ctx.out.response(await ctx.api.get('/v2/egressRules/auditlog', {
        query: { ruleId: o.ruleId, ruleDestination: o.destination, action: o.action, principal: o.principal },
      }), { columns: ['created', 'action', 'ruleId', 'ruleDestination', 'principal'], idField: 'ruleId' })));
}
