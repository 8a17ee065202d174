import type http from 'node:http';
import type { FakeCluster } from './cluster.js';
import { FlinkRestError } from './errors.js';
import type { CallLog } from './rest.js';

interface ControlDeps {
  cluster: FakeCluster;
  calls: CallLog;
  rest: { down(ms: number): Promise<void>; hangUntil: number; readonly up: boolean };
}

type Body = Record<string, unknown>;

/**
 * The test's side door into the fake (its own port, so that it keeps answering while the REST
 * endpoint is down): read what the cluster was asked, make jobs fail or finish, make savepoints
 * or main() fail, forget JARs, go away or hang for a while.
 */
export function controlHandler({ cluster, calls, rest }: ControlDeps) {
  const actions: Record<string, (body: Body, id?: string) => unknown> = {
    'GET /jobs': () => [...cluster.jobs.values()],
    'GET /jars': () => [...cluster.jars.values()],
    'GET /disposed': () => cluster.disposed,
    'GET /calls': () => ({ total: calls.total, handleMs: calls.handleMs, byRoute: calls.byRoute, byJob: calls.byJob }),
    'POST /calls/reset': () => calls.reset(),
    'GET /health': () => ({ restUp: rest.up }),
    'POST /jobs/:id/fail': (b, id) => cluster.fail(id!, {
      exceptionName: String(b.exceptionName ?? 'java.lang.RuntimeException'),
      stacktrace: String(b.stacktrace ?? `${b.exceptionName ?? 'java.lang.RuntimeException'}: ${b.message ?? 'failed'}\n\tat com.example.Job.run(Job.java:42)`),
      taskName: 'Source: pipeline (1/1)',
      location: '127.0.0.1:41234',
    }, b.restart === true, Date.now()),
    'POST /jobs/:id/finish': (_, id) => cluster.finish(id!),
    'POST /savepoint-failures': (b) => cluster.savepointFailures.set(String(b.jobId ?? '*'), String(b.message)),
    'POST /main-failures': (b) => cluster.mainFailures.set(String(b.entryClass ?? '*'), String(b.message)),
    'POST /forget-jars': () => cluster.forgetJars(),
    'POST /unreachable': (b) => rest.down(Number(b.ms ?? 1000)),
    'POST /hang': (b) => { rest.hangUntil = Date.now() + Number(b.ms ?? 1000); },
    'POST /settings': (b) => {
      for (const key of ['checkpointIntervalMs', 'savepointPolls', 'asyncResultTtlMs'] as const) {
        if (typeof b[key] === 'number') cluster.options[key] = b[key];
      }
    },
  };
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const path = new URL(req.url ?? '/', 'http://control').pathname;
      const jobMatch = /^\/jobs\/([^/]+)(\/.*)$/.exec(path);
      const key = `${req.method} ${jobMatch ? `/jobs/:id${jobMatch[2]}` : path}`;
      const action = actions[key];
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body ?? null));
      };
      if (!action) return send(404, { error: `no control action ${key}` });
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        send(200, await action(text ? JSON.parse(text) as Body : {}, jobMatch?.[1]));
      } catch (error) {
        send(error instanceof FlinkRestError ? error.status : 500, { error: String(error instanceof Error ? error.message : error) });
      }
    });
  };
}
