import fs from 'node:fs/promises';

/**
 * Linux /proc reading: enough to recognise a job's process after a restart. A pid alone is
 * not enough (pids are reused), so the start time (field 22 of /proc/<pid>/stat, clock ticks
 * since boot) is recorded with it.
 */
export interface ProcInfo {
  state: string;
  startTime: string;
}

export async function procInfo(pid: number): Promise<ProcInfo | null> {
  let stat: string;
  try {
    stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0], startTime: rest[19] };
}

/** Alive and the same process: a zombie (exited, not yet reaped) counts as gone. */
export async function isSameProcessAlive(pid: number, startTime: string): Promise<boolean> {
  const info = await procInfo(pid);
  return info !== null && info.startTime === startTime && info.state !== 'Z' && info.state !== 'X';
}

/** Pids whose command line contains `marker` as one whole argument. */
export async function findProcessesWithArgument(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (args.includes(marker)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
