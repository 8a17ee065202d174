import { Type } from '@sinclair/typebox';
import { badRequest, notFound } from '../../domain/errors.js';
import { isUuid } from '../../domain/hrn.js';
import { ownerOf } from '../../domain/owner.js';
import { isOrgAdmin } from '../../auth/principal.js';
import type { Services } from '../../services.js';
import { knownCatalogs, pipelineOverview, recentPackages, type OverviewState } from '../../store/console-reads.js';
import { findVisibleJob } from '../../store/jobs.js';
import { principal } from '../auth-hook.js';
import { baseUrlOf } from '../base-url.js';
import { sendJsonWithEtag } from '../etag.js';
import { iso } from '../present.js';
import { errors } from '../schemas/common.js';
import { VersionParams } from '../schemas/version.js';
import type { TypedApp } from '../routes/types.js';
import { readLogTail } from './log-tail.js';
import { emptyJobLog } from '../../runtimes/job-log.js';
import { versionView } from './version-view.js';

/** Rows per page of the pipelines page. */
const PIPELINES_PAGE = 50;

const OverviewQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200 })),
  state: Type.Optional(Type.Union(['running', 'scheduled', 'paused', 'idle'].map((s) => Type.Literal(s)))),
  after: Type.Optional(Type.String({ maxLength: 100, pattern: '^[0-9TZ:.+-]+_[0-9a-fA-F-]{36}$', description: 'The `next` of the previous page' })),
});

const LogQuery = Type.Object({
  from: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'Byte offset to read from; without it, the end of the log' })),
});

/**
 * What the console's pages read, one request per page and poll (`/sluice/v1/console/…`, with the
 * same token, realm and project checks as `/v2`). Every answer carries an ETag: the console
 * polls with If-None-Match, so an unchanged page costs a 304. Shaped for the pages, so kept out
 * of the OpenAPI document; everything a page *does* goes through `/v2` and `/sluice/v1`.
 */
export function consoleViewRoutes(app: TypedApp, services: Services): void {
  const prefix = '/sluice/v1/console';
  const hide = { hide: true };

  app.get(`${prefix}/me`, { schema: hide }, async (request, reply) => {
    const caller = principal(request);
    return sendJsonWithEtag(request, reply, JSON.stringify({
      userId: caller.userId, realm: caller.realm, roles: caller.roles, scope: caller.scope, orgAdmin: isOrgAdmin(caller),
      catalogRegistry: services.catalogRegistry !== undefined,
    }));
  });

  app.get(`${prefix}/pipelines`, { schema: { ...hide, querystring: OverviewQuery, response: errors(400) } }, async (request, reply) => {
    const { search, state, after } = request.query;
    const cursor = after ? { created: new Date(after.slice(0, after.lastIndexOf('_'))), id: after.slice(after.lastIndexOf('_') + 1) } : undefined;
    if (cursor && Number.isNaN(cursor.created.getTime())) throw badRequest(`"${after}" is not a page of this list: use the "next" of the previous page.`);
    const rows = await pipelineOverview(services.db, ownerOf(principal(request)), {
      search: search?.trim() || undefined, state: state as OverviewState | undefined, after: cursor, limit: PIPELINES_PAGE + 1,
    });
    const more = rows.length > PIPELINES_PAGE;
    if (more) rows.length = PIPELINES_PAGE;
    const last = rows.at(-1);
    return sendJsonWithEtag(request, reply, JSON.stringify({
      items: rows.map((row) => ({
        id: row.id,
        name: row.name,
        description: row.description ?? undefined,
        created: iso(row.created),
        versionCount: row.versionCount,
        activeVersion: row.activeVersionId
          ? { id: row.activeVersionId, name: row.activeVersionName, state: row.activeVersionState, nextJobAttempt: row.nextJobAttempt ? iso(row.nextJobAttempt) : undefined }
          : undefined,
        lastJob: row.lastJobId
          ? { id: row.lastJobId, state: row.lastJobState, versionId: row.lastJobVersionId, created: iso(row.lastJobCreated!), ended: row.lastJobEnded ? iso(row.lastJobEnded) : undefined }
          : undefined,
      })),
      next: more && last ? `${iso(last.created)}_${last.id}` : undefined,
    }));
  });

  app.get(`${prefix}/pipelines/:pipelineId/versions/:versionId`, { schema: { ...hide, params: VersionParams, response: errors(404) } }, async (request, reply) => {
    const view = await versionView(services, principal(request), request.params, baseUrlOf(services, request));
    return sendJsonWithEtag(request, reply, JSON.stringify(view));
  });

  app.get(`${prefix}/jobs/:jobId/log`, {
    schema: { ...hide, params: Type.Object({ jobId: Type.String({ maxLength: 200 }) }), querystring: LogQuery, response: errors(400, 404) },
  }, async (request, reply) => {
    const { jobId } = request.params;
    const job = isUuid(jobId) ? await findVisibleJob(services.db, ownerOf(principal(request)), jobId.toLowerCase()) : undefined;
    if (!job) throw notFound('Job', jobId);
    if (job.folderRemoved) return sendJsonWithEtag(request, reply, JSON.stringify({ removed: iso(job.folderRemoved), size: 0, from: 0, next: 0, text: '' }));
    const from = request.query.from === undefined ? undefined : Number(request.query.from);
    return sendJsonWithEtag(request, reply, JSON.stringify(await readLogTail(services.jobLog(job) ?? emptyJobLog, from)));
  });

  app.get(`${prefix}/packages`, { schema: hide }, async (request, reply) => {
    const rows = await recentPackages(services.db, ownerOf(principal(request)), 200);
    return sendJsonWithEtag(request, reply, JSON.stringify(rows.map((row) => ({
      id: row.id, fileName: row.fileName, mainClass: row.mainClass ?? undefined, entryPoints: row.entryPoints, sizeBytes: row.sizeBytes, created: iso(row.created),
    }))));
  });

  app.get(`${prefix}/catalogs`, { schema: hide }, async (request, reply) => {
    return sendJsonWithEtag(request, reply, JSON.stringify(await knownCatalogs(services.db, ownerOf(principal(request)), 500)));
  });
}
