import type { Command } from 'commander';
import { applyCommand } from './nouns/apply.js';
import { appCommands } from './nouns/app.js';
import { catalogCommands } from './nouns/catalog.js';
import { completionCommand } from './nouns/completion.js';
import { configCommands } from './nouns/config.js';
import { egressRuleCommands } from './nouns/egress-rule.js';
import { jobCommands } from './nouns/job.js';
import { packageCommands } from './nouns/package.js';
import { pipelineCommands } from './nouns/pipeline.js';
import { schedulerCommands } from './nouns/scheduler.js';
import { snapshotCommands } from './nouns/snapshot.js';
import { templateCommands } from './nouns/template.js';
import { versionCommands } from './nouns/version.js';

/**
 * The client commands, shaped like `olp pipeline …` (same nouns, verbs and argument order), on
 * the program `main.ts` builds. Options every client command takes are the program's. Usage
 * errors (unknown command or option, missing argument) exit 2; API and operation failures 1.
 */
export function registerClientCommands(program: Command): void {
  program
    .option('--url <url>', 'Sluice\'s base URL (or SLUICE_URL, or the profile\'s url; default http://127.0.0.1:8080)')
    .option('--token <token>', 'bearer token (or SLUICE_TOKEN)')
    .option('--credentials <file>', 'credentials.properties to get tokens with (or SLUICE_CREDENTIALS, or the profile\'s)')
    .option('--profile <name>', 'a profile from `sluice config` (or SLUICE_PROFILE)')
    .option('--json', 'print the API\'s JSON as it answered')
    .option('--quiet', 'print only ids, one a line');
  // Inherited by the commands added from here on (serve and token keep commander's defaults).
  program.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
  packageCommands(program);
  const pipeline = program.command('pipeline').description('pipelines, templates, versions, jobs, snapshots and schedules');
  pipelineCommands(pipeline);
  templateCommands(pipeline);
  versionCommands(pipeline);
  jobCommands(pipeline);
  snapshotCommands(pipeline);
  schedulerCommands(pipeline);
  egressRuleCommands(program);
  catalogCommands(program);
  appCommands(program);
  configCommands(program);
  applyCommand(program);
  completionCommand(program);
}

