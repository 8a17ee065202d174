import type http from 'node:http';
import { FakeCluster } from './cluster.js';
import { FlinkRestError, badRequestBody, handlerError, internalError, notFoundRoute } from './errors.js';
import { checkpointStatistics, exceptionsInfo } from './jobs.js';
import { readJarUpload } from './multipart.js';

export type Auth = { basic: { user: string; password: string } } | { bearer: string } | null;

/** REST calls the fake answered, by route and by job: what the adapter costs a cluster. */
export class CallLog {
  total = 0;
  handleMs = 0;
  byRoute: Record<string, number> = {};
  byJob: Record<string, number> = {};
  record(route: string, jobId: string | undefined, ms: number): void {
    this.total += 1;
    this.handleMs += ms;
    this.byRoute[route] = (this.byRoute[route] ?? 0) + 1;
    if (jobId) this.byJob[jobId] = (this.byJob[jobId] ?? 0) + 1;
  }
  reset(): void {
    this.total = 0;
    this.handleMs = 0;
    this.byRoute = {};
    this.byJob = {};
  }
}

interface Answer { status: number; body?: unknown }
type Handler = (params: Record<string, string>, request: { query: URLSearchParams; body: Buffer; contentType?: string; now: number; address: string }) => Answer | Promise<Answer>;

const ok = (body: unknown): Answer => ({ status: 200, body });

function jsonObject(raw: Buffer, bodyType: string, allowed: string[]): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequestBody(bodyType);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequestBody(bodyType);
  if (Object.keys(parsed).some((k) => !allowed.includes(k))) throw badRequestBody(bodyType);
  return parsed as Record<string, unknown>;
}

const optionalString = (value: unknown, bodyType: string) => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequestBody(bodyType);
  return value;
};

function routes(cluster: FakeCluster): [string, string, Handler][] {
  return [
    ['GET', '/config', () => ok({
      'refresh-interval': 3000, 'timezone-name': 'Coordinated Universal Time', 'timezone-offset': 0,
      'flink-version': cluster.options.flinkVersion, 'flink-revision': 'f1a2b3c @ 2026-01-01T00:00:00+01:00',
      features: { 'web-submit': true, 'web-cancel': true, 'web-rescale': false, 'web-history': false },
    })],
    ['GET', '/overview', (_, r) => ok(cluster.overview(r.now))],
    ['GET', '/jobmanager/config', () => ok([
      { key: 'state.checkpoints.dir', value: cluster.options.checkpointDir },
      ...(cluster.options.savepointDir ? [{ key: 'state.savepoints.dir', value: cluster.options.savepointDir }] : []),
      { key: 'taskmanager.numberOfTaskSlots', value: '4' },
      { key: 'rest.async.store-duration', value: `${cluster.options.asyncResultTtlMs} ms` },
    ])],
    ['GET', '/jars', (_, r) => ok(cluster.listJars(r.address))],
    ['POST', '/jars/upload', (_, r) => {
      const file = readJarUpload(r.contentType, r.body);
      return ok(cluster.upload(file.fileName, file.size, r.now));
    }],
    ['DELETE', '/jars/:jarid', (p) => {
      cluster.deleteJar(p.jarid);
      return ok({});
    }],
    ['POST', '/jars/:jarid/run', async (p, r) => ok(await cluster.run(p.jarid, r.body.toString('utf8'), r.now))],
    ['GET', '/jobs', () => ok({ jobs: [...cluster.jobs.values()].map((j) => ({ id: j.id, status: j.state })) })],
    ['GET', '/jobs/overview', (_, r) => ok({
      jobs: [...cluster.jobs.values()].map((j) => ({
        jid: j.id, name: j.name, state: j.state, 'start-time': j.startTime, 'end-time': j.endTime,
        duration: (j.endTime > 0 ? j.endTime : r.now) - j.startTime, 'last-modification': r.now, tasks: {},
      })),
    })],
    ['GET', '/jobs/:jobid', (p, r) => ok(cluster.poll(p.jobid, r.now))],
    ['PATCH', '/jobs/:jobid', (p, r) => {
      cluster.cancel(p.jobid, r.query.get('mode') ?? undefined, r.now);
      return { status: 202, body: {} };
    }],
    ['GET', '/jobs/:jobid/exceptions', (p) => ok(exceptionsInfo(cluster.job(p.jobid), cluster.major))],
    ['GET', '/jobs/:jobid/checkpoints', (p, r) => ok(checkpointStatistics(cluster.job(p.jobid), r.now, cluster.options.checkpointDir))],
    ['POST', '/jobs/:jobid/stop', (p, r) => {
      const type = 'StopWithSavepointRequestBody';
      const body = jsonObject(r.body, type, ['targetDirectory', 'drain', 'triggerId', 'formatType']);
      if (body.drain !== undefined && body.drain !== null && typeof body.drain !== 'boolean') throw badRequestBody(type);
      const answer = cluster.triggerSavepoint(p.jobid, {
        targetDirectory: optionalString(body.targetDirectory, type), triggerId: optionalString(body.triggerId, type), stop: true,
      }, type);
      return { status: 202, body: answer };
    }],
    ['POST', '/jobs/:jobid/savepoints', (p, r) => {
      const type = 'SavepointTriggerRequestBody';
      const body = jsonObject(r.body, type, ['target-directory', 'cancel-job', 'triggerId', 'formatType']);
      const answer = cluster.triggerSavepoint(p.jobid, {
        targetDirectory: optionalString(body['target-directory'], type), triggerId: optionalString(body.triggerId, type), stop: false,
      }, type);
      return { status: 202, body: answer };
    }],
    ['POST', '/savepoint-disposal', (_, r) => {
      const body = jsonObject(r.body, 'SavepointDisposalRequest', ['savepoint-path']);
      const path = optionalString(body['savepoint-path'], 'SavepointDisposalRequest');
      if (!path) throw handlerError(400, 'Savepoint path must not be null.', 'savepoints.SavepointDisposalHandlers');
      return ok(cluster.dispose(path));
    }],
    ['GET', '/jobs/:jobid/savepoints/:triggerid', (p, r) => ok(cluster.savepointStatus(p.jobid, p.triggerid, r.now))],
  ];
}

const HEX32 = /^[0-9a-f]{32}$/;

function match(template: string, path: string): Record<string, string> | null {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

function authorised(auth: Auth, header: string | undefined): boolean {
  if (!auth) return true;
  if ('bearer' in auth) return header === `Bearer ${auth.bearer}`;
  const expected = Buffer.from(`${auth.basic.user}:${auth.basic.password}`).toString('base64');
  return header === `Basic ${expected}`;
}

/** The request listener of the fake JobManager's REST endpoint (paths also under /v1). */
export function restHandler(cluster: FakeCluster, auth: Auth, calls: CallLog) {
  const table = routes(cluster);
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const started = process.hrtime.bigint();
      const url = new URL(req.url ?? '/', 'http://fake');
      const path = url.pathname.replace(/^\/v1(?=\/)/, '').replace(/\/$/, '') || '/';
      let answer: Answer;
      let routeName = 'unmatched';
      let jobId: string | undefined;
      if (!authorised(auth, req.headers.authorization)) {
        // Flink has no authentication of its own: a reverse proxy in front of it answers this.
        res.writeHead(401, { 'Content-Type': 'text/html', 'WWW-Authenticate': 'auth' in (auth ?? {}) ? 'Bearer' : 'Basic realm="flink"' });
        res.end('<html><head><title>401 Authorization Required</title></head><body>401 Authorization Required</body></html>');
        return;
      }
      try {
        const found = table.map(([method, template, handler]) => ({ method, template, handler, params: match(template, path) }))
          .filter((r) => r.params !== null);
        const route = found.find((r) => r.method === req.method);
        if (!route) throw notFoundRoute(url.pathname);
        routeName = `${route.method} ${route.template}`;
        const params = route.params!;
        jobId = params.jobid;
        for (const [name, value] of Object.entries(params)) {
          if ((name === 'jobid' || name === 'triggerid') && !HEX32.test(value)) {
            throw handlerError(400, `Bad request, could not parse parameters: Cannot resolve path parameter (${name}) from value "${value}".`, 'AbstractHandler');
          }
        }
        answer = await route.handler(params, {
          query: url.searchParams, body: Buffer.concat(chunks), contentType: req.headers['content-type'],
          now: Date.now(), address: `http://${req.headers.host ?? 'localhost'}`,
        });
      } catch (error) {
        const e = error instanceof FlinkRestError ? error : internalError(String(error instanceof Error ? error.stack : error));
        answer = { status: e.status, body: { errors: e.errors } };
      }
      calls.record(routeName, jobId, Number(process.hrtime.bigint() - started) / 1e6);
      const text = JSON.stringify(answer.body ?? {});
      res.writeHead(answer.status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
  };
}
