import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Memory and CPU limits of a sandboxed job, from its cluster configuration (README: "Job
 * isolation"). cgroup v2 is used when its hierarchy has the memory and cpu controllers; many
 * machines (this project's CI among them) still mount the v2 hierarchy empty beside v1
 * controllers, so v1's memory and cpu hierarchies are the fallback. Job groups are made below
 * the service's own group (`<own>/sluice-jobs/<job id>`), so whatever limits the service's
 * container or unit has also bound its jobs.
 */
export type CgroupVersion = 'v2' | 'v1' | 'none';

export interface CgroupLayout {
  version: CgroupVersion;
  /** v2: one folder; v1: the memory folder and the cpu folder. Each gets `<job id>/` below. */
  bases: { controller: 'memory' | 'cpu' | 'both'; dir: string }[];
  /** Why the version is `none` (or why v2 was passed over). */
  note?: string;
}

interface Mount { type: string; dir: string; options: string[] }

/** `/proc/self/mounts` lines → the cgroup mounts. */
export function cgroupMounts(mountsText: string): Mount[] {
  return mountsText.split('\n').flatMap((line) => {
    const [, dir, type, options] = line.split(' ');
    return type === 'cgroup' || type === 'cgroup2' ? [{ type, dir: dir.replace(/\\040/g, ' '), options: options.split(',') }] : [];
  });
}

/** `/proc/self/cgroup` lines → controller (`''` for v2) → this process's group path. */
export function ownGroups(cgroupText: string): Map<string, string> {
  const groups = new Map<string, string>();
  for (const line of cgroupText.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    for (const controller of match[1].split(',')) groups.set(controller, match[2]);
  }
  return groups;
}

const JOBS_FOLDER = 'sluice-jobs';

/**
 * Where job groups go on this machine. The answer is decided by trying: a v2 group must be able
 * to enable memory and cpu for its children, a v1 folder must be creatable.
 */
export async function findCgroupLayout(): Promise<CgroupLayout> {
  const [mountsText, cgroupText] = await Promise.all([
    fs.readFile('/proc/self/mounts', 'utf8').catch(() => ''),
    fs.readFile('/proc/self/cgroup', 'utf8').catch(() => ''),
  ]);
  const mounts = cgroupMounts(mountsText);
  const own = ownGroups(cgroupText);
  const notes: string[] = [];
  const v2 = mounts.find((m) => m.type === 'cgroup2');
  if (v2 && own.has('')) {
    const base = path.join(v2.dir, own.get('')!, JOBS_FOLDER);
    const controllers = (await fs.readFile(path.join(v2.dir, own.get('')!, 'cgroup.controllers'), 'utf8').catch(() => '')).split(/\s+/);
    if (controllers.includes('memory') && controllers.includes('cpu')) {
      try {
        await fs.mkdir(base, { recursive: true });
        await fs.writeFile(path.join(base, 'cgroup.subtree_control'), '+memory +cpu');
        return { version: 'v2', bases: [{ controller: 'both', dir: base }] };
      } catch (error) {
        notes.push(`cgroup v2 has memory and cpu but a job group could not use them (${(error as Error).message})`);
      }
    } else notes.push('the cgroup v2 hierarchy has no memory and cpu controllers');
  }
  const v1 = (controller: 'memory' | 'cpu') => {
    const mount = mounts.find((m) => m.type === 'cgroup' && m.options.includes(controller));
    const group = own.get(controller);
    return mount && group !== undefined ? { controller, dir: path.join(mount.dir, group, JOBS_FOLDER) } : undefined;
  };
  const memory = v1('memory');
  const cpu = v1('cpu');
  if (memory && cpu) {
    try {
      await fs.mkdir(memory.dir, { recursive: true });
      await fs.mkdir(cpu.dir, { recursive: true });
      return { version: 'v1', bases: [memory, cpu], note: notes[0] };
    } catch (error) {
      notes.push(`cgroup v1 job groups could not be made (${(error as Error).message})`);
    }
  } else notes.push('no cgroup v1 memory and cpu hierarchies');
  return { version: 'none', bases: [], note: notes.join('; ') };
}

export interface JobLimits {
  memoryBytes: number;
  /** CPUs' worth of time per period (1.5: one and a half cores). */
  cpus: number;
}

const CPU_PERIOD_US = 100_000;

/** The files to write in a job's group, in order, for `limits`. */
export function limitFiles(version: CgroupVersion, controller: 'memory' | 'cpu' | 'both', limits: JobLimits): { name: string; value: string }[] {
  const quota = String(Math.max(1000, Math.round(limits.cpus * CPU_PERIOD_US)));
  if (version === 'v2') return [{ name: 'memory.max', value: String(limits.memoryBytes) }, { name: 'cpu.max', value: `${quota} ${CPU_PERIOD_US}` }];
  if (controller === 'memory') return [{ name: 'memory.limit_in_bytes', value: String(limits.memoryBytes) }];
  return [{ name: 'cpu.cfs_period_us', value: String(CPU_PERIOD_US) }, { name: 'cpu.cfs_quota_us', value: quota }];
}

/** Makes the job's groups with their limits; answers the `cgroup.procs` files the sandbox joins. */
export async function makeJobGroups(layout: CgroupLayout, jobId: string, limits: JobLimits): Promise<string[]> {
  const procs: string[] = [];
  for (const base of layout.bases) {
    const dir = path.join(base.dir, jobId);
    await fs.mkdir(dir, { recursive: true });
    for (const file of limitFiles(layout.version, base.controller, limits)) await fs.writeFile(path.join(dir, file.name), file.value);
    procs.push(path.join(dir, 'cgroup.procs'));
  }
  return procs;
}

/**
 * Removes the groups of jobs that have ended (an empty group can be removed, a busy one answers
 * EBUSY and stays). Run at start and now and then: a job that ended while the service was down
 * leaves its group behind.
 */
export async function removeEmptyJobGroups(layout: CgroupLayout): Promise<void> {
  for (const base of layout.bases) {
    const entries = await fs.readdir(base.dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory()) await fs.rmdir(path.join(base.dir, entry.name)).catch(() => undefined);
    }
  }
}
