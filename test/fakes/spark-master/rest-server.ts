import http from 'node:http';
import type { Socket } from 'node:net';
import type { FakeMaster } from './master.js';
import { formatException, ProtocolError, readCreateRequest, toJson, UnexpectedMessage, UnknownAction, type Message } from './messages.js';

const VERSION = 'v1';

/** REST calls answered, by kind: what the benchmark counts per job. */
export interface CallCounts {
  create: number;
  status: number;
  kill: number;
  other: number;
}

/**
 * The Master's REST submission server (RestSubmissionServer / StandaloneRestServer): servlets
 * under `/v1/submissions/{create,kill,status}/*` and an error servlet for every other path.
 * Failures of the cluster are HTTP 200 with `success: false`; only malformed requests (400),
 * unknown protocol versions (468) and server faults (500) are other statuses.
 *
 * It can be made unreachable (`refuse`: the port is closed; `hang`: connections are accepted
 * and never answered) and brought back on the same port.
 */
export class FakeRestServer {
  readonly calls: CallCounts = { create: 0, status: 0, kill: 0, other: 0 };
  private server = http.createServer((req, res) => void this.handle(req, res));
  private readonly sockets = new Set<Socket>();
  private reachability: 'up' | 'refuse' | 'hang' = 'up';
  private port = 0;

  constructor(private readonly master: FakeMaster, private readonly sparkVersion: string, private readonly host = '127.0.0.1') {
    this.track();
  }

  private track(): void {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    return `http://${this.host}:${this.port}`;
  }

  async setReachability(mode: 'up' | 'refuse' | 'hang'): Promise<void> {
    if (mode === this.reachability) return;
    const wasListening = this.reachability !== 'refuse';
    this.reachability = mode;
    if (mode === 'refuse' && wasListening) {
      for (const socket of this.sockets) socket.destroy();
      await new Promise((resolve) => this.server.close(resolve));
    } else if (mode !== 'refuse' && !wasListening) {
      this.server = http.createServer((req, res) => void this.handle(req, res));
      this.track();
      await this.listen(this.port);
    }
    if (mode === 'up') for (const socket of this.sockets) if (socket.listenerCount('data') === 0) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server.listening) await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.reachability === 'hang') return; // never answered; destroyed when the server comes back
    const url = new URL(req.url ?? '/', 'http://fake');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    const [version, submissions, action, id] = parts;
    if (version === VERSION && submissions === 'submissions' && (action === 'create' || action === 'status' || action === 'kill')) {
      const method = action === 'status' ? 'GET' : 'POST';
      if (req.method !== method) {
        // HttpServlet's default for a method the servlet does not implement: a container page.
        res.writeHead(405, { 'content-type': 'text/html;charset=iso-8859-1' })
          .end(`<html><body><h2>HTTP ERROR 405 HTTP method ${req.method} is not supported by this URL</h2></body></html>`);
        return;
      }
      this.calls[action] += 1;
      if (action === 'create') return this.create(Buffer.concat(chunks).toString('utf8'), res);
      if (!id) return this.send(res, 400, this.error(`Submission ID is missing in ${action} request.`));
      return action === 'status' ? this.status(id, res) : this.kill(id, res);
    }
    this.calls.other += 1;
    this.send(res, ...this.pathError(parts));
  }

  private create(body: string, res: http.ServerResponse): void {
    try {
      // Spark 4 dropped the requirement of appArgs and environmentVariables.
      const { request, unknownFields } = readCreateRequest(body, Number(this.sparkVersion.split('.')[0]) < 4);
      const answer = this.master.submit(request);
      this.send(res, 200, {
        action: 'CreateSubmissionResponse',
        serverSparkVersion: this.sparkVersion,
        success: answer.success,
        message: answer.message,
        submissionId: answer.driverId,
        unknownFields: unknownFields.length > 0 ? unknownFields : undefined,
      });
    } catch (error) {
      if (error instanceof ProtocolError) return this.send(res, 400, this.error(`Malformed request: ${formatException(error)}`));
      if (error instanceof UnexpectedMessage) return this.send(res, 400, this.error(error.message));
      if (error instanceof UnknownAction) {
        res.writeHead(500, { 'content-type': 'text/html;charset=iso-8859-1' })
          .end(`<html><body><h2>HTTP ERROR 500 ${error.message}</h2></body></html>`);
        return;
      }
      throw error;
    }
  }

  private status(id: string, res: http.ServerResponse): void {
    const answer = this.master.status(id);
    const driver = answer.driver;
    const exception = answer.exception ?? driver?.exception ?? null;
    this.send(res, 200, {
      action: 'SubmissionStatusResponse',
      serverSparkVersion: this.sparkVersion,
      submissionId: id,
      success: answer.found,
      driverState: driver?.state,
      workerId: driver?.worker?.id,
      workerHostPort: driver?.worker?.hostPort,
      message: exception ? `Exception from the cluster:\n${exception}\n\tat org.apache.spark.deploy.worker.DriverRunner.downloadUserJar(DriverRunner.scala:160)` : undefined,
    });
  }

  private kill(id: string, res: http.ServerResponse): void {
    const answer = this.master.kill(id);
    this.send(res, 200, {
      action: 'KillSubmissionResponse',
      serverSparkVersion: this.sparkVersion,
      submissionId: id,
      success: answer.success,
      message: answer.message,
    });
  }

  /** ErrorServlet: what is wrong with a path no servlet serves. */
  private pathError(parts: string[]): [number, Message] {
    const hint = ` Please submit requests through http://[host]:[port]/${VERSION}/submissions/...`;
    if (parts.length === 0) return [400, this.error(`Missing protocol version.${hint}`)];
    if (parts[0] !== VERSION) return [468, { ...this.error(`Unknown protocol version '${parts[0]}'.${hint}`), highestProtocolVersion: VERSION }];
    if (parts.length === 1) return [400, this.error(`Missing the /submissions prefix.${hint}`)];
    if (parts[1] === 'submissions') return [400, this.error(`Missing an action: please specify one of /create, /kill, or /status.${hint}`)];
    return [468, { ...this.error(`Unknown protocol version '${parts[0]}'.${hint}`), highestProtocolVersion: VERSION }];
  }

  private error(message: string): Message {
    return { action: 'ErrorResponse', serverSparkVersion: this.sparkVersion, message };
  }

  private send(res: http.ServerResponse, status: number, message: Message): void {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' }).end(toJson(message));
  }
}
