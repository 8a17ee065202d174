import type { Command } from 'commander';
import { run, type Context } from '../context.js';
import { ApiFailure, UsageError } from '../errors.js';
import { pollUntil } from '../waiting.js';
import { versionPath } from './version-paths.js';

interface Job { id: string; state: string; loggingUrl?: string }
const ENDED = ['completed', 'failed', 'canceled'];

async function findJob(ctx: Context, pipelineId: string, versionId: string, jobId: string): Promise<Job> {
  const jobs = (await ctx.api.get<Job[]>(`${versionPath(pipelineId, versionId)}/jobs`)).body;
  const job = jobs.find((j) => j.id === jobId.toLowerCase());
  if (!job) throw new UsageError(`version ${versionId} has no job ${jobId}`);
  if (!job.loggingUrl) throw new UsageError(`job ${jobId} has no log`);
  return job;
}

async function logText(ctx: Context, url: string): Promise<string> {
  const response = await ctx.api.fetchRaw(url);
  const text = await response.text();
  if (!response.ok) {
    let body;
    try { body = JSON.parse(text); } catch { body = undefined; }
    throw new ApiFailure(response.status, body, text, `GET ${url}`);
  }
  return text;
}

/** `sluice pipeline job log <pipeline-id> <version-id> <job-id> [--follow]`. */
export function jobCommands(pipeline: Command): void {
  const noun = pipeline.command('job').description('jobs');
  noun.command('log <pipeline-id> <version-id> <job-id>').description('print a job\'s log (stdout and stderr of the job)')
    .option('--follow', 'keep printing what the job writes until it ends')
    .action(run(async (ctx, pipelineId: string, versionId: string, jobId: string, o: { follow?: boolean }) => {
      const job = await findJob(ctx, pipelineId, versionId, jobId);
      let printed = 0;
      const printNew = async () => {
        const text = await logText(ctx, job.loggingUrl!);
        if (text.length > printed) process.stdout.write(text.slice(printed));
        printed = Math.max(printed, text.length);
      };
      await printNew();
      if (!o.follow) return;
      // The log is re-read whole each time: the route serves the file, and job logs are small.
      await pollUntil(async () => {
        const current = await findJob(ctx, pipelineId, versionId, jobId);
        await printNew();
        return ENDED.includes(current.state) ? true : undefined;
      }, { timeoutSeconds: 7 * 24 * 3600, label: `job ${jobId}`, interactive: false, intervalMs: 500 });
      await printNew();
    }));
}
