/**
 * A fake Flink JobManager, run as its own process with real HTTP (Flink cannot be installed on
 * the test machines). It answers the REST calls Sluice's Flink runtime makes as a session
 * cluster does — see `cluster.ts` for the behaviour and `rest-schemas.ts` for the bodies checked
 * against Flink's published OpenAPI document — and takes orders from a test on a second port.
 *
 * node main.js [--flink-version 1.19.1] [--basic user:password | --bearer token]
 *              [--tls-cert file --tls-key file] [--checkpoint-interval-ms 200] [--savepoint-polls 1]
 *              [--start-polls 2] [--async-ttl-ms 300000] [--savepoint-dir file:/…] [--checkpoint-dir file:/…]
 * prints one line `{"restUrl": …, "controlUrl": …}` once both ports listen.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { parseArgs } from 'node:util';
import { FakeCluster } from './cluster.js';
import { controlHandler } from './control.js';
import { CallLog, restHandler, type Auth } from './rest.js';

const { values } = parseArgs({
  options: {
    'flink-version': { type: 'string', default: '1.19.1' },
    basic: { type: 'string' },
    bearer: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'checkpoint-interval-ms': { type: 'string', default: '200' },
    'savepoint-polls': { type: 'string', default: '1' },
    'start-polls': { type: 'string', default: '2' },
    'async-ttl-ms': { type: 'string', default: '300000' },
    'savepoint-dir': { type: 'string' },
    'checkpoint-dir': { type: 'string', default: 'file:/flink/checkpoints' },
  },
});

let auth: Auth = null;
if (values.basic) {
  const [user, ...rest] = values.basic.split(':');
  auth = { basic: { user, password: rest.join(':') } };
} else if (values.bearer) auth = { bearer: values.bearer };

const cluster = new FakeCluster({
  flinkVersion: values['flink-version']!,
  checkpointIntervalMs: Number(values['checkpoint-interval-ms']),
  savepointPolls: Number(values['savepoint-polls']),
  startPolls: Number(values['start-polls']),
  asyncResultTtlMs: Number(values['async-ttl-ms']),
  checkpointDir: values['checkpoint-dir']!,
  savepointDir: values['savepoint-dir'] ?? null,
});
const calls = new CallLog();
const handler = restHandler(cluster, auth, calls);
const tls = values['tls-cert'] && values['tls-key']
  ? { cert: fs.readFileSync(values['tls-cert']), key: fs.readFileSync(values['tls-key']) }
  : null;

/** The REST endpoint, which a test can take away (connections cut, new ones refused) and bring back on its port. */
class RestEndpoint {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  /** While set, requests are read and never answered (a hung JobManager), until the time passes. */
  hangUntil = 0;
  port = 0;

  async listen(): Promise<void> {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (Date.now() < this.hangUntil) {
        setTimeout(() => res.destroy(), this.hangUntil - Date.now()).unref();
        return;
      }
      handler(req, res);
    };
    const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
    server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
  }

  async down(ms: number): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    setTimeout(() => void this.listen().catch((e) => console.error(`fake jobmanager: cannot listen again: ${e}`)), ms);
  }

  get up(): boolean {
    return this.server !== null;
  }
}

const rest = new RestEndpoint();
await rest.listen();
const control = http.createServer(controlHandler({ cluster, calls, rest }));
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', () => resolve()));
const scheme = tls ? 'https' : 'http';
console.log(JSON.stringify({
  restUrl: `${scheme}://127.0.0.1:${rest.port}`,
  controlUrl: `http://127.0.0.1:${(control.address() as net.AddressInfo).port}`,
}));
process.on('SIGTERM', () => process.exit(0));
