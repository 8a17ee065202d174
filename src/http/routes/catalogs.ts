import { Type } from '@sinclair/typebox';
import { ApiError, ErrorCodes, notFound } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import { listCatalogVersions } from '../../store/catalog-versions.js';
import { recentDecisions } from '../../store/trigger-decisions.js';
import { principal } from '../auth-hook.js';
import { versionFromPath } from '../lookups.js';
import { iso } from '../present.js';
import { DateTime, errors } from '../schemas/common.js';
import { CATALOG_HRN, VersionParams } from '../schemas/version.js';
import type { TypedApp } from './types.js';

const tags = ['Sluice: catalogs and triggers'];
const CatalogParams = Type.Object({ catalogHrn: Type.String({ pattern: CATALOG_HRN }) });

/**
 * Routes outside the contract (`/sluice/v1`), authenticated like `/v2`: the local catalog
 * registry (publish a catalog version, read its versions), the trigger decision log of a
 * version, and, with SLUICE_CLOCK=manual only, the test clock.
 */
export function catalogRoutes(app: TypedApp, services: Services): void {
  const registry = () => {
    if (!services.catalogRegistry) {
      throw new ApiError(409, ErrorCodes.conflict, 'Catalog versions come from the hosted metadata service here (SLUICE_CATALOG_SOURCE=hosted).');
    }
    return services.catalogRegistry;
  };

  app.post('/sluice/v1/catalogs/:catalogHrn/versions', {
    schema: {
      tags, summary: 'Publish a new version of a catalog (local registry)', params: CatalogParams,
      response: { 201: Type.Object({ catalogHrn: Type.String(), version: Type.Integer(), published: DateTime }), ...errors(400, 409) },
    },
  }, async (request, reply) => {
    const caller = principal(request);
    const at = services.now();
    const version = await registry().publish(caller.realm, request.params.catalogHrn, caller.userId, at);
    return reply.status(201).send({ catalogHrn: request.params.catalogHrn, version, published: iso(at) });
  });

  app.get('/sluice/v1/catalogs/:catalogHrn/versions', {
    schema: {
      tags, summary: 'Versions of a catalog, newest first (local registry)', params: CatalogParams,
      response: {
        200: Type.Object({
          catalogHrn: Type.String(),
          latestVersion: Type.Integer(),
          versions: Type.Array(Type.Object({ version: Type.Integer(), published: DateTime, publishedBy: Type.String() })),
        }),
        ...errors(400, 409),
      },
    },
  }, async (request) => {
    registry();
    const rows = await listCatalogVersions(services.db, principal(request).realm, request.params.catalogHrn, 1000);
    return {
      catalogHrn: request.params.catalogHrn,
      latestVersion: rows[0] ? Number(rows[0].version) : -1,
      versions: rows.map((r) => ({ version: Number(r.version), published: iso(r.published), publishedBy: r.publishedBy })),
    };
  });

  app.get('/sluice/v1/pipelines/:pipelineId/versions/:versionId/trigger-decisions', {
    schema: {
      tags, summary: 'Why a scheduled version did or did not run: its recent trigger decisions, newest first', params: VersionParams,
      response: {
        200: Type.Array(Type.Object({
          at: DateTime,
          trigger: Type.String(),
          decision: Type.String(),
          reason: Type.String(),
          jobId: Type.Optional(Type.String()),
          observed: Type.Unknown(),
          evaluations: Type.Integer({ description: 'Evaluations that came to this same decision from the same observation: the first, at `at`, and the repeats since (a repeat is counted here, not logged again)' }),
          lastEvaluated: Type.Optional(DateTime),
        })),
        ...errors(404),
      },
    },
  }, async (request) => {
    const { version } = await versionFromPath(services, principal(request), request.params);
    const rows = await recentDecisions(services.db, version.id, 100);
    return rows.map((r) => ({
      at: iso(r.at),
      trigger: r.trigger,
      decision: r.decision,
      reason: r.reason,
      jobId: r.jobId ?? undefined,
      observed: r.observed,
      evaluations: r.evaluations,
      lastEvaluated: iso(r.lastEvaluated ?? r.at),
    }));
  });

  const Sweep = Type.Object({
    started: DateTime,
    finished: DateTime,
    durationMs: Type.Number(),
    evaluated: Type.Integer(),
    jobsStarted: Type.Integer(),
    decisionsRecorded: Type.Integer(),
  });
  const KindStatus = Type.Object({ count: Type.Integer(), last: Type.Optional(Sweep), nextAt: Type.Optional(DateTime) });
  app.get('/sluice/v1/triggers/status', {
    schema: {
      tags,
      summary: "This replica's trigger scheduler: its last catalog poll and last cron check that took ticks, and when the next are due",
      response: { 200: Type.Object({ poll: KindStatus, cron: KindStatus }) },
    },
  }, async (request) => {
    principal(request);
    const status = services.triggerStatus();
    const present = (kind: (typeof status)['poll']) => ({
      count: kind.count,
      last: kind.last && { ...kind.last, started: iso(kind.last.started), finished: iso(kind.last.finished) },
      nextAt: kind.nextAt && iso(kind.nextAt),
    });
    return { poll: present(status.poll), cron: present(status.cron) };
  });

  app.post('/sluice/v1/clock', {
    schema: {
      tags, summary: 'Move the manual clock forward (SLUICE_CLOCK=manual only)',
      body: Type.Object({ now: DateTime }),
      response: { 200: Type.Object({ now: DateTime }), ...errors(400, 404) },
    },
  }, async (request) => {
    principal(request);
    if (!services.manualClock) throw notFound('Route', 'POST /sluice/v1/clock');
    services.manualClock.set(new Date(request.body.now));
    return { now: iso(services.manualClock.now()) };
  });
}
