import type { Command } from 'commander';
import { readArgumentFile } from '../arguments.js';
import { apply, type Change } from '../apply.js';
import { readApplySpec } from '../apply-spec.js';
import { run } from '../context.js';
import { timeoutOf } from '../waiting.js';

const describe = (c: Change) => `${c.action} ${c.target}${c.detail ? ` ${c.detail}` : ''}`;

/** `sluice apply -f pipeline.yaml [--dry-run]`. */
export function applyCommand(program: Command): void {
  program.command('apply').description('create or update the package, template, pipeline and version a YAML file describes (running twice changes nothing)')
    .requiredOption('-f, --file <pipeline.yaml>', 'the description')
    .option('--dry-run', 'print what would change, change nothing')
    .option('--timeout <seconds>', 'how long to wait for checks and operations', '600')
    .action(run(async (ctx, o: { file: string; dryRun?: boolean; timeout: string }) => {
      const { spec, jar } = readApplySpec(await readArgumentFile(o.file, 'description'), o.file);
      const result = await apply(ctx, spec, {
        dryRun: o.dryRun === true,
        timeoutSeconds: timeoutOf(o.timeout),
        jar,
        onChange: (c) => ctx.out.note(`${o.dryRun ? 'would ' : ''}${describe(c)}`),
      });
      if (ctx.out.mode === 'json') return ctx.out.value({ dryRun: o.dryRun === true, ...result });
      if (ctx.out.mode === 'quiet') return ctx.out.value(result.versionId ? [result.versionId] : []);
      if (result.changes.length === 0) ctx.out.note('nothing to change');
      const ids = { packageId: result.packageId, templateId: result.templateId, pipelineId: result.pipelineId, versionId: result.versionId };
      // A dry run knows only the ids of what exists already.
      ctx.out.value(Object.fromEntries(Object.entries(ids).filter(([, v]) => v !== undefined)));
    }));
}
