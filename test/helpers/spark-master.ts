import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(here, '../fakes/spark-master/main.js');

export interface FakeDriver {
  id: string;
  state: string;
  workerId: string | null;
  request: { appResource: string; mainClass: string; appArgs: string[] | null; sparkProperties: Record<string, string>; environmentVariables: Record<string, string> | null };
  starts: number;
  exitCodes: number[];
  driverDir: string | null;
  times: { submitted: number; running?: number; ended?: number };
}

export interface FakeMasterView {
  state: string;
  calls: { create: number; status: number; kill: number; other: number };
  workers: { id: string; hostPort: string; alive: boolean }[];
  drivers: FakeDriver[];
}

/** The fake Spark master (test/fakes/spark-master) in its own process, and its control API. */
export class SparkMasterProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly restUrl: string,
    readonly masterUrl: string,
    readonly controlUrl: string,
    readonly workerUiPort: number,
    readonly workDir: string,
  ) {}

  static async start(options: { sparkVersion?: string; holdSubmittedPolls?: number; workDir?: string } = {}): Promise<SparkMasterProcess> {
    const args = [MAIN, '--spark-version', options.sparkVersion ?? '3.5.1', '--hold-submitted-polls', String(options.holdSubmittedPolls ?? 1)];
    if (options.workDir) args.push('--work-dir', options.workDir);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`fake spark master exited with ${code} before it was ready`)));
    });
    lines.close();
    const ready = JSON.parse(first) as { restUrl: string; masterUrl: string; controlUrl: string; workerUiPort: number; workDir: string };
    return new SparkMasterProcess(child, ready.restUrl, ready.masterUrl, ready.controlUrl, ready.workerUiPort, ready.workDir);
  }

  async view(): Promise<FakeMasterView> {
    const response = await fetch(`${this.controlUrl}/control`);
    return await response.json() as FakeMasterView;
  }

  async driver(id: string): Promise<FakeDriver | undefined> {
    return (await this.view()).drivers.find((d) => d.id === id);
  }

  private async post(pathname: string, body: unknown = {}): Promise<unknown> {
    const response = await fetch(`${this.controlUrl}/control/${pathname}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    if (!response.ok) throw new Error(`control ${pathname}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  setMasterState(state: 'ALIVE' | 'STANDBY'): Promise<unknown> {
    return this.post('master', { state });
  }

  setReachability(mode: 'up' | 'refuse' | 'hang'): Promise<unknown> {
    return this.post('reachability', { mode });
  }

  holdSubmittedPolls(count: number): Promise<unknown> {
    return this.post('settings', { holdSubmittedPolls: count });
  }

  crashDriver(id: string): Promise<unknown> {
    return this.post(`drivers/${id}/crash`);
  }

  loseWorker(index: number): Promise<unknown> {
    return this.post(`workers/${index}/lose`);
  }

  restoreWorker(index: number): Promise<unknown> {
    return this.post(`workers/${index}/restore`);
  }

  resetCalls(): Promise<unknown> {
    return this.post('calls/reset');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
