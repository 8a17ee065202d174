import type { ChildProcess } from 'node:child_process';
import type { CreateSubmissionRequest } from './messages.js';
import type { FakeWorker } from './worker.js';

export type DriverState = 'SUBMITTED' | 'RUNNING' | 'FINISHED' | 'RELAUNCHING' | 'UNKNOWN' | 'KILLED' | 'FAILED' | 'ERROR';
export type MasterState = 'ALIVE' | 'STANDBY' | 'RECOVERING';

export interface Driver {
  id: string;
  request: CreateSubmissionRequest;
  state: DriverState;
  worker: FakeWorker | null;
  /** The exception the status answer carries ("Exception from the cluster:"), e.g. an unreadable JAR. */
  exception: string | null;
  supervise: boolean;
  /** Status requests still to answer SUBMITTED before the driver is placed on a worker. */
  pollsBeforeScheduling: number;
  process: ChildProcess | null;
  killRequested: boolean;
  /** JVM starts so far (a supervised driver is restarted by its worker; a lost worker's is relaunched). */
  starts: number;
  exitCodes: number[];
  /** Epoch ms of the fake's own state changes, against which the benchmark measures Sluice. */
  times: { submitted: number; running?: number; ended?: number };
}

/**
 * The standalone Master's driver bookkeeping (deploy/master/Master.scala), as the REST server sees
 * it: submit when ALIVE, drivers waiting until a worker takes them, kill asynchronous (a waiting
 * driver is KILLED at once, a running one when its worker reports it), status of live and
 * completed drivers, and a lost worker's drivers RELAUNCHING when supervised, ERROR otherwise.
 *
 * To make state changes visible across polls, a new driver stays SUBMITTED until
 * `holdSubmittedPolls` status requests have seen it (0: placed at once, for the benchmark).
 */
export class FakeMaster {
  state: MasterState = 'ALIVE';
  holdSubmittedPolls = 1;
  readonly drivers = new Map<string, Driver>();
  private sequence = 0;

  constructor(private readonly workers: FakeWorker[]) {}

  submit(request: CreateSubmissionRequest): { success: boolean; message: string; driverId?: string } {
    if (this.state !== 'ALIVE') {
      return { success: false, message: `Current state is not alive: ${this.state}. Can only accept driver submissions in ALIVE state.` };
    }
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const id = `driver-${stamp}-${String(this.sequence++).padStart(4, '0')}`;
    const driver: Driver = {
      id,
      request,
      state: 'SUBMITTED',
      worker: null,
      exception: null,
      supervise: /^true$/i.test(request.sparkProperties['spark.driver.supervise'] ?? 'false'),
      pollsBeforeScheduling: this.holdSubmittedPolls,
      process: null,
      killRequested: false,
      starts: 0,
      exitCodes: [],
      times: { submitted: Date.now() },
    };
    this.drivers.set(id, driver);
    this.schedule();
    return { success: true, message: `Driver successfully submitted as ${id}`, driverId: id };
  }

  status(id: string): { found: boolean; driver?: Driver; exception?: string } {
    if (this.state !== 'ALIVE') {
      return { found: false, exception: `java.lang.Exception: Current state is not alive: ${this.state}. Can only request driver status in ALIVE state.` };
    }
    const driver = this.drivers.get(id);
    if (!driver) return { found: false };
    if (driver.pollsBeforeScheduling > 0 && (driver.state === 'SUBMITTED' || driver.state === 'RELAUNCHING')) {
      driver.pollsBeforeScheduling -= 1;
      const answer = { found: true, driver: { ...driver } };
      setImmediate(() => this.schedule());
      return answer;
    }
    return { found: true, driver };
  }

  kill(id: string): { success: boolean; message: string } {
    if (this.state !== 'ALIVE') {
      return { success: false, message: `Current state is not alive: ${this.state}. Can only kill drivers in ALIVE state.` };
    }
    const driver = this.drivers.get(id);
    if (!driver || isCompleted(driver.state)) return { success: false, message: `Driver ${id} has already finished or does not exist` };
    driver.killRequested = true;
    if (driver.worker === null) {
      driver.state = 'KILLED';
    } else {
      // The worker is told; the driver becomes KILLED when its JVM has gone (DriverRunner.kill).
      driver.process?.kill('SIGTERM');
      const forced = setTimeout(() => driver.process?.kill('SIGKILL'), 10_000);
      forced.unref();
    }
    return { success: true, message: `Kill request for ${id} submitted` };
  }

  /** A worker machine gone: its drivers' JVMs die with it; supervised drivers are placed again. */
  loseWorker(worker: FakeWorker): void {
    worker.alive = false;
    for (const driver of this.drivers.values()) {
      if (driver.worker !== worker || isCompleted(driver.state)) continue;
      const process = driver.process;
      driver.process = null;
      driver.worker = null;
      process?.removeAllListeners('close');
      process?.kill('SIGKILL');
      if (driver.supervise) {
        driver.state = 'RELAUNCHING';
        driver.pollsBeforeScheduling = this.holdSubmittedPolls;
      } else {
        driver.state = 'ERROR';
      }
    }
    this.schedule();
  }

  restoreWorker(worker: FakeWorker): void {
    worker.alive = true;
    this.schedule();
  }

  /** Places waiting drivers on live workers, round robin (Master.schedule). */
  schedule(): void {
    if (this.state !== 'ALIVE') return;
    const alive = this.workers.filter((w) => w.alive);
    if (alive.length === 0) return;
    let next = 0;
    for (const driver of this.drivers.values()) {
      const waiting = (driver.state === 'SUBMITTED' || driver.state === 'RELAUNCHING') && driver.worker === null && !driver.killRequested;
      if (!waiting || driver.pollsBeforeScheduling > 0) continue;
      const worker = alive[next++ % alive.length];
      driver.worker = worker;
      driver.state = 'RUNNING';
      driver.times.running ??= Date.now();
      void this.launch(driver, worker);
    }
  }

  private async launch(driver: Driver, worker: FakeWorker): Promise<void> {
    let jar: string;
    try {
      jar = await worker.fetchJar(driver.id, driver.request.appResource);
    } catch (error) {
      driver.state = 'ERROR';
      driver.exception = (error as Error).message;
      return;
    }
    if (driver.worker !== worker) return;
    if (driver.killRequested) {
      driver.state = 'KILLED';
      return;
    }
    driver.starts += 1;
    driver.process = await worker.start(driver.id, driver.request, jar, (code) => this.exited(driver, worker, code));
  }

  /** DriverRunner's end of a run: killed, finished, failed, or restarted when supervised. */
  private exited(driver: Driver, worker: FakeWorker, code: number): void {
    if (driver.worker !== worker) return;
    driver.process = null;
    driver.exitCodes.push(code);
    driver.times.ended = Date.now();
    if (driver.killRequested) driver.state = 'KILLED';
    else if (code === 0) driver.state = 'FINISHED';
    else if (driver.supervise) {
      // A supervised driver that exits non-zero is started again by its worker, with backoff.
      setTimeout(() => void this.launch(driver, worker), 200 * driver.starts).unref();
      return;
    } else driver.state = 'FAILED';
  }

  /** Ends a running driver's JVM as a crash would (exit 137); it is FAILED unless supervised. */
  crash(driver: Driver): boolean {
    if (!driver.process) return false;
    driver.process.kill('SIGKILL');
    return true;
  }

  close(): void {
    for (const driver of this.drivers.values()) driver.process?.kill('SIGKILL');
  }
}

export function isCompleted(state: DriverState): boolean {
  return state === 'FINISHED' || state === 'FAILED' || state === 'KILLED' || state === 'ERROR';
}
