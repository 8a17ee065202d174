import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rangeOf } from '../../domain/byte-range.js';
import { ApiError, badRequest, ErrorCodes, parameterError, notFound } from '../../domain/errors.js';
import { isUuid } from '../../domain/hrn.js';
import { ownerOf } from '../../domain/owner.js';
import { followJobLog, tailStart } from '../../runtimes/job-log.js';
import type { Services } from '../../services.js';
import { findVisibleJob, latestJobs } from '../../store/jobs.js';
import type { JobRow } from '../../store/schema.js';
import { principal } from '../auth-hook.js';
import { versionFromPath } from '../lookups.js';
import { BooleanText } from '../schemas/common.js';
import { VersionParams } from '../schemas/version.js';
import type { TypedApp } from './types.js';

const LogQuery = Type.Object({
  tail: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$', description: 'Only the last N lines (1 to 100000)' })),
  follow: Type.Optional(BooleanText),
});
type LogQuery = { tail?: string; follow?: 'true' | 'false' };

const MAX_TAIL = 100_000;
const ENDED = new Set(['completed', 'failed', 'canceled']);

/**
 * A job's log: the whole of it, a byte range (`Range`: 206, or 416 past the end), the last N
 * lines (`?tail=N`), or followed as it is written (`?follow=true`: chunked `text/plain` that ends
 * when the job has ended and all it wrote has been sent; combined with `tail`, starts N lines from
 * the end). README: "Job logs".
 */
async function sendLog(services: Services, request: FastifyRequest, reply: FastifyReply, job: JobRow, followers: Set<AbortController>) {
  if (job.folderRemoved) {
    throw new ApiError(404, ErrorCodes.notFound, `The log of job ${job.id} was removed on ${job.folderRemoved.toISOString()}, with the job's folder, after the retention for ended jobs (SLUICE_JOB_FOLDER_RETENTION_MS).`);
  }
  const query = request.query as LogQuery;
  const range = request.headers.range;
  const follow = query.follow === 'true';
  if (range !== undefined && (follow || query.tail !== undefined)) {
    throw badRequest('A Range header cannot be combined with ?tail or ?follow=true: ask for bytes, or for lines.');
  }
  const tail = query.tail === undefined ? undefined : Number(query.tail);
  if (tail !== undefined && (tail < 1 || tail > MAX_TAIL)) throw parameterError('query', 'tail', `must be from 1 to ${MAX_TAIL}`, query.tail);
  const log = services.jobLog(job);
  // A Flink job's output is on the cluster: its page in the Flink web UI (README, "Flink runtime").
  const page = log ? null : services.jobPage?.(job);
  if (page) return reply.redirect(page, 302);
  if (!log) throw new ApiError(404, ErrorCodes.notFound, `Job ${job.id} runs on runtime ${job.runtime}, whose log Sluice cannot read; see the job's loggingUrl.`);
  const size = await log.size();
  reply.type('text/plain; charset=utf-8').header('accept-ranges', 'bytes');
  if (!follow) {
    const answer = rangeOf(range, size);
    if (answer.kind === 'unsatisfiable') {
      reply.header('content-range', `bytes */${size}`);
      throw new ApiError(416, ErrorCodes.rangeNotSatisfiable, `The range ${range} is not within the log's ${size} bytes.`);
    }
    if (answer.kind === 'part') {
      reply.status(206).header('content-range', `bytes ${answer.start}-${answer.end}/${size}`).header('content-length', answer.end - answer.start + 1);
      return reply.send(log.read(answer.start, answer.end));
    }
    const start = tail === undefined ? 0 : await tailStart(log, size, tail);
    if (start >= size) return reply.send('');
    return reply.header('content-length', size - start).send(log.read(start, size - 1));
  }
  const from = tail === undefined ? 0 : await tailStart(log, size, tail);
  const stop = new AbortController();
  followers.add(stop);
  request.raw.once('close', () => stop.abort());
  const owner = ownerOf(principal(request));
  const ended = async () => {
    const now = await findVisibleJob(services.db, owner, job.id);
    return !now || ENDED.has(now.state);
  };
  const body = Readable.from(followJobLog(log, { from, ended, signal: stop.signal }));
  body.once('close', () => followers.delete(stop));
  return reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(body);
}

export function jobLogRoutes(app: TypedApp, services: Services): void {
  // Follows end when the service stops, before Fastify waits for open responses.
  const followers = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const follower of followers) follower.abort();
  });
  const schema = { tags: ['Jobs'], querystring: LogQuery };

  // A job's `loggingUrl`. Outside /v2 (not in the contract) but authenticated and realm-checked like it.
  app.get('/sluice/v1/jobs/:jobId/log', {
    schema: { ...schema, summary: 'The log of a job', params: Type.Object({ jobId: Type.String({ maxLength: 200 }) }) },
  }, async (request, reply) => {
    const { jobId } = request.params;
    const job = isUuid(jobId) ? await findVisibleJob(services.db, ownerOf(principal(request)), jobId.toLowerCase()) : undefined;
    if (!job) throw notFound('Job', jobId);
    return sendLog(services, request, reply, job, followers);
  });

  // A version's `loggingUrl`: the log of its newest job.
  app.get('/sluice/v1/pipelines/:pipelineId/versions/:versionId/log', {
    schema: { ...schema, summary: 'The log of the newest job of a version', params: VersionParams },
  }, async (request, reply) => {
    const caller = principal(request);
    const { version } = await versionFromPath(services, caller, request.params, { cached: true });
    const newest = (await latestJobs(services.db, [version.id])).get(version.id);
    const job = newest ? await findVisibleJob(services.db, ownerOf(caller), newest.id) : undefined;
    if (!job) throw notFound('Job of pipeline version', version.id);
    return sendLog(services, request, reply, job, followers);
  });
}
