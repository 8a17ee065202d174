#!/usr/bin/env node
/**
 * A fake Spark standalone Master with its REST submission server and two workers, as its own
 * process (tests and the benchmark start it with test/helpers/spark-master.ts). Prints one JSON
 * line `{restUrl, masterUrl, controlUrl, workerUiPort}` when it is ready.
 *
 * Options: --spark-version 3.5.1 · --work-dir <folder> (drivers' folders) · --java <path> ·
 * --hold-submitted-polls N (status answers a new driver gets as SUBMITTED; default 1).
 *
 * The control API (its own port, never part of what Sluice talks to) lets a test act as the
 * cluster's operator or its failures:
 *   GET  /control                      master state, drivers (with their requests), REST call counts
 *   POST /control/master               {"state": "ALIVE" | "STANDBY"}
 *   POST /control/reachability         {"mode": "up" | "refuse" | "hang"}
 *   POST /control/settings             {"holdSubmittedPolls": N}
 *   POST /control/drivers/<id>/crash   the driver's JVM dies (exit 137)
 *   POST /control/workers/<n>/lose     worker n (0 or 1) is lost; …/restore brings it back
 *   POST /control/calls/reset          zero the REST call counts
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FakeMaster, type MasterState } from './master.js';
import { FakeRestServer } from './rest-server.js';
import { FakeWorker } from './worker.js';

const { values } = parseArgs({
  options: {
    'spark-version': { type: 'string', default: '3.5.1' },
    'work-dir': { type: 'string' },
    java: { type: 'string', default: process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java' },
    'hold-submitted-polls': { type: 'string', default: '1' },
  },
});

const workDir = values['work-dir'] ?? await fs.mkdtemp(path.join(os.tmpdir(), 'fake-spark-'));
const workers = [new FakeWorker('127.0.0.1', 38211, workDir, values.java!), new FakeWorker('127.0.0.2', 38211, workDir, values.java!)];
const master = new FakeMaster(workers);
master.holdSubmittedPolls = Number(values['hold-submitted-polls']);
const rest = new FakeRestServer(master, values['spark-version']!);
const restUrl = await rest.listen(0);
const workerUiPort = await workers[0].serveUi(0);
await workers[1].serveUi(workerUiPort);

const control = http.createServer((req, res) => void answer(req, res).catch((error: unknown) => {
  res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
}));
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', () => resolve()));
const controlUrl = `http://127.0.0.1:${(control.address() as { port: number }).port}`;

async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> : {};
  const parts = (req.url ?? '/').split('?')[0].split('/').filter((p) => p !== '');
  const reply = (status: number, value: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  if (req.method === 'GET' && parts.length === 1) {
    return reply(200, {
      state: master.state,
      calls: rest.calls,
      workers: workers.map((w) => ({ id: w.id, hostPort: w.hostPort, alive: w.alive })),
      drivers: [...master.drivers.values()].map((d) => ({
        id: d.id, state: d.state, workerId: d.worker?.id ?? null, request: d.request, starts: d.starts, exitCodes: d.exitCodes,
        driverDir: d.worker ? d.worker.driverDir(d.id) : null, times: d.times,
      })),
    });
  }
  if (req.method !== 'POST') return reply(405, { error: 'POST' });
  const [, what, id, verb] = parts;
  if (what === 'master') {
    master.state = body.state as MasterState;
    master.schedule();
    return reply(200, { state: master.state });
  }
  if (what === 'reachability') {
    await rest.setReachability(body.mode as 'up' | 'refuse' | 'hang');
    return reply(200, { mode: body.mode });
  }
  if (what === 'settings') {
    if (typeof body.holdSubmittedPolls === 'number') master.holdSubmittedPolls = body.holdSubmittedPolls;
    return reply(200, { holdSubmittedPolls: master.holdSubmittedPolls });
  }
  if (what === 'calls' && id === 'reset') {
    Object.assign(rest.calls, { create: 0, status: 0, kill: 0, other: 0 });
    return reply(200, rest.calls);
  }
  if (what === 'drivers' && verb === 'crash') {
    const driver = master.drivers.get(id);
    return driver && master.crash(driver) ? reply(200, { crashed: id }) : reply(404, { error: `no running driver ${id}` });
  }
  if (what === 'workers' && (verb === 'lose' || verb === 'restore')) {
    const worker = workers[Number(id)];
    if (!worker) return reply(404, { error: `no worker ${id}` });
    if (verb === 'lose') master.loseWorker(worker);
    else master.restoreWorker(worker);
    return reply(200, { worker: worker.id, alive: worker.alive });
  }
  reply(404, { error: `unknown control ${req.url}` });
}

const shutdown = async () => {
  master.close();
  await rest.close();
  await Promise.all(workers.map((w) => w.close()));
  control.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

const port = new URL(restUrl).port;
process.stdout.write(JSON.stringify({ restUrl, masterUrl: `spark://127.0.0.1:${Number(port) + 1}`, controlUrl, workerUiPort, workDir }) + '\n');
