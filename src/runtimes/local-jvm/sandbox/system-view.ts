import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What of the host's own files a sandboxed job sees (read-only). */
export interface SystemView {
  readOnly: string[];
  symlinks: { link: string; target: string }[];
}

/**
 * Programs and libraries (/usr; the JDK wherever it is), and of /etc only what a JVM and the
 * sandbox's tools read: the alternatives links that lead to `java`, the JDK's configuration,
 * certificates, name service files (no resolver: the job has no DNS, the proxy resolves), time
 * zone. Nothing under the service's data folder, /root, /home, /var or /run.
 */
const ETC = [
  '/etc/alternatives', '/etc/ssl', '/etc/ca-certificates', '/etc/passwd', '/etc/group', '/etc/nsswitch.conf',
  '/etc/hosts', '/etc/localtime', '/etc/timezone', '/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d',
];
/** Top-level folders that are links into /usr on a merged-/usr system, or folders of their own on an older one. */
const TOP = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

export async function hostSystemView(java: string): Promise<SystemView> {
  const readOnly = ['/usr'];
  const symlinks: SystemView['symlinks'] = [];
  for (const top of TOP) {
    const target = await fs.readlink(top).catch(() => null);
    if (target !== null) symlinks.push({ link: top, target });
    else if (await exists(top)) readOnly.push(top);
  }
  const etc = await fs.readdir('/etc').catch(() => [] as string[]);
  readOnly.push(...ETC, ...etc.filter((name) => /^java-\d+/.test(name)).map((name) => path.join('/etc', name)));
  const home = await javaHome(java);
  if (home && !readOnly.some((dir) => !path.relative(dir, home).startsWith('..'))) readOnly.push(home);
  return { readOnly, symlinks };
}

/** The JDK folder the `java` command leads to (through PATH and links), if it can be found. */
async function javaHome(java: string): Promise<string | null> {
  try {
    const found = java.includes('/') ? java : (await run('sh', ['-c', 'command -v "$1"', 'sh', java])).stdout.trim();
    return path.dirname(path.dirname(await fs.realpath(found)));
  } catch {
    return null;
  }
}

const exists = (file: string) => fs.stat(file).then(() => true, () => false);
