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

async function failureOf(response: Response, url: string): Promise<ApiFailure> {
  const text = await response.text();
  let body;
  try { body = JSON.parse(text); } catch { body = undefined; }
  return new ApiFailure(response.status, body, text, `GET ${url}`);
}

/**
 * Writes what the log holds past the `printed` bytes already written, as it arrives, counting them.
 * With `?follow=true` the service keeps the answer open and ends it once the job has ended and
 * everything it wrote was sent; each (re)connection starts from the log's beginning, so what
 * was already printed is skipped here, by bytes (a character may span two chunks).
 */
async function copyLog(ctx: Context, url: string, progress: { printed: number }): Promise<void> {
  const response = await ctx.api.fetchRaw(url);
  if (!response.ok) throw await failureOf(response, url);
  if (!response.body) return;
  let seen = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    const from = Math.max(0, progress.printed - seen);
    if (from < chunk.length) {
      process.stdout.write(chunk.subarray(from));
      progress.printed += chunk.length - from;
    }
    seen += chunk.length;
  }
}

/** `sluice pipeline job log <pipeline-id> <version-id> <job-id> [--follow]`. */
export function jobCommands(pipeline: Command): void {
  const noun = pipeline.command('job').description('jobs');
  noun.command('log <pipeline-id> <version-id> <job-id>').description('print a job\'s log (stdout and stderr of the job)')
    .option('--follow', 'keep printing what the job writes until it ends')
    .action(run(async (ctx, pipelineId: string, versionId: string, jobId: string, o: { follow?: boolean }) => {
      const job = await findJob(ctx, pipelineId, versionId, jobId);
      const progress = { printed: 0 };
      await copyLog(ctx, job.loggingUrl!, progress);
      if (!o.follow) return;
      const following = `${job.loggingUrl!}${job.loggingUrl!.includes('?') ? '&' : '?'}follow=true`;
      // A followed answer can also end early (the service restarting, a proxy's timeout): then
      // the job is asked for, and the log followed again while it has not ended.
      await pollUntil(async () => {
        try {
          await copyLog(ctx, following, progress);
        } catch (failure) {
          if (failure instanceof ApiFailure) throw failure;
          return undefined; // the connection dropped: try again after the poll's pause
        }
        const current = await findJob(ctx, pipelineId, versionId, jobId);
        return ENDED.includes(current.state) ? true : undefined;
      }, { timeoutSeconds: 7 * 24 * 3600, label: `job ${jobId}`, interactive: false, intervalMs: 500 });
      await copyLog(ctx, job.loggingUrl!, progress);
    }));
}
