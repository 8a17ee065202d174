import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { JobSpec } from '../../runtime.js';
import { sandboxCommand, EGRESS_SOCKET } from './bwrap-command.js';
import { findCgroupLayout, makeJobGroups, removeEmptyJobGroups, type CgroupLayout, type CgroupVersion } from './cgroups.js';
import { EgressProxy, type EgressProxyDeps } from './egress-proxy.js';
import { JobUsers, jobUserName } from './job-users.js';
import { hostSystemView, type SystemView } from './system-view.js';

const run = promisify(execFile);

export interface SandboxSettings {
  mode: 'job-user' | 'realm' | 'shared';
  user: string;
  sharedDirs: string[];
  dataDir: string;
  java: string;
}

/** How this service runs its jobs, as `/health/ready` and the start-up log say it. */
export interface IsolationReport {
  mode: 'isolated' | 'shared';
  users: 'job-user' | 'realm' | 'service';
  cgroups: CgroupVersion;
  /** Why jobs are not isolated, or a remark on the cgroups. */
  note?: string;
}

/** A job's command before and after the sandbox. */
export interface JobCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface SandboxedCommand extends JobCommand {
  /** The job folder and its state folders get this owner before the start. */
  owner?: { uid: number; gid: number };
}

/** The port the JVM is told its proxy is on, inside the sandbox's own network namespace. */
const INSIDE_PROXY_PORT = 3128;
const REALM_FILE = 'realm';

/**
 * The one place that decides how a local job is run (README: "Job isolation"): sandboxed with
 * bubblewrap as an unprivileged job user with cgroup limits and only the egress proxy as its
 * network, or, where the machine cannot do that, in shared mode (the service's user and view,
 * the proxy advisory). The runtime asks it to wrap each job's command; everything else about
 * starting, finding and stopping the job is unchanged.
 */
export class JobSandbox {
  private isolation: IsolationReport = { mode: 'shared', users: 'service', cgroups: 'none', note: 'not started' };
  private cgroups: CgroupLayout = { version: 'none', bases: [] };
  private system?: SystemView;
  private deps?: EgressProxyDeps;
  private readonly users = new JobUsers();
  private readonly proxies = new Map<string, EgressProxy>();

  constructor(private readonly settings: SandboxSettings) {}

  get report(): IsolationReport {
    return this.isolation;
  }

  private get egressRoot(): string {
    return path.join(this.settings.dataDir, 'egress');
  }

  /** Decides the mode (once), and re-opens the proxies of isolated jobs still running from an earlier run. */
  async start(deps: EgressProxyDeps): Promise<IsolationReport> {
    this.deps = deps;
    const unable = await this.whyNotIsolated();
    if (unable) {
      this.isolation = { mode: 'shared', users: 'service', cgroups: 'none', note: unable };
      return this.isolation;
    }
    this.cgroups = await findCgroupLayout();
    this.system = await hostSystemView(this.settings.java);
    const mode = this.settings.mode === 'realm' ? 'realm' : 'job-user';
    this.isolation = { mode: 'isolated', users: mode, cgroups: this.cgroups.version, ...(this.cgroups.note ? { note: this.cgroups.note } : {}) };
    await removeEmptyJobGroups(this.cgroups);
    await this.reopenProxies();
    return this.isolation;
  }

  private async whyNotIsolated(): Promise<string | undefined> {
    if (this.settings.mode === 'shared') return 'SLUICE_JOB_ISOLATION=shared';
    if (process.getuid?.() !== 0) return 'the service does not run as root, so it cannot run jobs as another user';
    try {
      await run('bwrap', ['--unshare-pid', '--unshare-net', '--unshare-ipc', '--ro-bind', '/', '/', 'true']);
    } catch (error) {
      return `bubblewrap cannot make namespaces here (${(error as Error).message.split('\n')[0]})`;
    }
    for (const tool of ['socat', 'setpriv']) {
      try {
        await run('sh', ['-c', `command -v ${tool}`]);
      } catch {
        return `${tool} is not installed`;
      }
    }
    return undefined;
  }

  /** The job's command as it is to be spawned: sandboxed (isolated) or with an advisory proxy (shared). */
  /** `readOnlyExtra`: folders the command reads besides the package (a binding's classpath folder). */
  async wrap(spec: JobSpec, workDir: string, heapMb: number, base: JobCommand & { logFile: string }, readOnlyExtra: string[] = []): Promise<SandboxedCommand> {
    this.closeProxy(spec.jobId);
    const proxy = new EgressProxy({ jobId: spec.jobId, realm: spec.realm, logFile: base.logFile }, this.proxyDeps());
    this.proxies.set(spec.jobId, proxy);
    if (this.isolation.mode === 'shared') {
      const port = await proxy.listen({ port: 0 });
      return { ...base, args: [...proxyProperties(port!), ...base.args] };
    }
    const user = await this.users.get(jobUserName(this.isolation.users === 'realm' ? 'realm' : 'job-user', this.settings.user, spec.realm));
    const egressDir = path.join(this.egressRoot, spec.jobId);
    await fs.mkdir(egressDir, { recursive: true, mode: 0o755 });
    await fs.writeFile(path.join(egressDir, REALM_FILE), spec.realm);
    await proxy.listen({ path: path.join(egressDir, EGRESS_SOCKET) });
    const cgroupProcs = await makeJobGroups(this.cgroups, spec.jobId, {
      // The JVM's heap is not all it uses (metaspace, threads, code cache, direct buffers).
      memoryBytes: (heapMb + Math.max(256, heapMb / 2)) * 1024 * 1024,
      cpus: Math.min(os.availableParallelism(), Math.max(1, spec.cluster.supervisorUnits + spec.cluster.workers * spec.cluster.workerUnits)),
    });
    // Packages are stored 0640: their group becomes the job user's, so it can read this one (and,
    // with a user per realm, no other realm's user can).
    await fs.chown(spec.jarPath, 0, user.gid);
    const readOnly = [spec.jarPath, ...readOnlyExtra];
    if (spec.restoreLocation && !isInside(spec.restoreLocation, workDir)) readOnly.push(spec.restoreLocation);
    const { command, args } = sandboxCommand({
      workDir,
      shared: this.settings.sharedDirs,
      hidden: [this.settings.dataDir],
      readOnly,
      system: this.system!.readOnly,
      symlinks: this.system!.symlinks,
      egressDir,
      cgroupProcs,
      uid: user.uid,
      gid: user.gid,
      proxyPort: INSIDE_PROXY_PORT,
      command: [base.command, ...proxyProperties(INSIDE_PROXY_PORT), ...base.args],
    });
    // HOME and TMPDIR of the service mean nothing inside; /tmp is the sandbox's own.
    const env = { ...base.env, HOME: '/tmp', TMPDIR: '/tmp' };
    return { command, args, env, owner: { uid: user.uid, gid: user.gid } };
  }

  /** The job's process has ended: its proxy, proxy folder and cgroups go. */
  async jobEnded(jobId: string): Promise<void> {
    this.closeProxy(jobId);
    if (this.isolation.mode !== 'isolated') return;
    await fs.rm(path.join(this.egressRoot, jobId), { recursive: true, force: true });
    for (const base of this.cgroups.bases) await fs.rmdir(path.join(base.dir, jobId)).catch(() => undefined);
  }

  /** Stops every proxy (the service is stopping; isolated jobs get theirs back when it starts again). */
  close(): void {
    for (const jobId of [...this.proxies.keys()]) this.closeProxy(jobId);
  }

  private closeProxy(jobId: string): void {
    this.proxies.get(jobId)?.close();
    this.proxies.delete(jobId);
  }

  private proxyDeps(): EgressProxyDeps {
    if (!this.deps) throw new Error('the job sandbox was not started');
    return this.deps;
  }

  /**
   * A job that outlived the service still has its proxy folder (bound into its sandbox): a new
   * socket in the same folder is what it reaches from now on. A folder whose job has written its
   * exit code is left over and removed.
   */
  private async reopenProxies(): Promise<void> {
    const entries = await fs.readdir(this.egressRoot).catch(() => [] as string[]);
    for (const jobId of entries) {
      const dir = path.join(this.egressRoot, jobId);
      const realm = await fs.readFile(path.join(dir, REALM_FILE), 'utf8').catch(() => null);
      const jobDir = path.join(this.settings.dataDir, 'jobs', jobId);
      const ended = await fs.stat(path.join(jobDir, 'exit-code')).then(() => true, () => false);
      if (realm === null || ended) {
        await this.jobEnded(jobId);
        continue;
      }
      const proxy = new EgressProxy({ jobId, realm, logFile: path.join(jobDir, 'job.log') }, this.proxyDeps());
      this.proxies.set(jobId, proxy);
      await proxy.listen({ path: path.join(dir, EGRESS_SOCKET) });
    }
  }
}

/** The JVM's standard proxy properties (java.net.ProxySelector's defaults read them). */
export function proxyProperties(port: number): string[] {
  return ['http', 'https'].flatMap((scheme) => [`-D${scheme}.proxyHost=127.0.0.1`, `-D${scheme}.proxyPort=${port}`]);
}

const isInside = (file: string, dir: string) => !path.relative(dir, file).startsWith('..');
