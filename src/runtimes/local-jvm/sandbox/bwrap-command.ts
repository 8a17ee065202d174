import { RUN_CHILD_TO_ITS_END } from '../command.js';
/**
 * The command line that runs one job inside a bubblewrap sandbox (README: "Job isolation").
 * Pure: everything it names is given, so each mount and flag is unit tested.
 *
 * Why this shape:
 * - bwrap runs as root (the service's user) and creates the PID, network and IPC namespaces;
 *   the job's own command is then started through `setpriv` as the job user with no
 *   capabilities and no way to gain any (no_new_privs). bwrap's own `--uid` would need a user
 *   namespace, in which root outside would map to the job's uid: files it writes would be
 *   root's, and a kernel bug in user namespaces would be the job's to use.
 * - No `--die-with-parent`: the job must outlive a killed service (it is re-adopted).
 * - The service stops a job by signalling its wrapper's process group. bwrap's outer process is
 *   in that group and would die of SIGTERM at once, so the wrapper would record an exit while
 *   the JVM is still writing its snapshot: it is started with TERM and INT ignored, and `env
 *   --default-signal` gives the JVM its default handlers back inside.
 * - The filesystem is a fresh tmpfs root holding only what is bound: system folders read-only,
 *   the package JAR read-only, the job's folder read-write, the egress proxy's folder; nothing
 *   else of the data folder. /proc is the new PID namespace's: the service is not in it.
 */

export interface SandboxCommandInput {
  /** The job's folder: bound read-write at the same path, the working folder. */
  workDir: string;
  /** Bound read-write at the same path (SLUICE_JOB_SHARED_DIRS), before `hidden` is covered. */
  shared: string[];
  /** Covered by an empty folder if a shared folder holds it (the service's data folder). */
  hidden: string[];
  /** Bound read-only at the same path (the package JAR, a snapshot to restore from…). */
  readOnly: string[];
  /** System paths bound read-only when they exist (/usr, the JDK, /etc files…). */
  system: string[];
  /** `/lib -> usr/lib` and the like, recreated as symbolic links (a merged-/usr system). */
  symlinks: { link: string; target: string }[];
  /** The egress proxy's folder on the host, bound at `EGRESS_DIR` inside. */
  egressDir: string;
  /** Cgroup `cgroup.procs` files the sandbox joins before it starts (one per v1 hierarchy, one for v2). */
  cgroupProcs: string[];
  uid: number;
  gid: number;
  /** The port the in-sandbox forwarder listens on (127.0.0.1, the namespace's own loopback). */
  proxyPort: number;
  /** The job's command (java and its arguments), run as the job user. */
  command: string[];
  bwrap?: string;
}

/** Where the egress proxy's socket appears inside the sandbox. */
export const EGRESS_DIR = '/run/sluice-egress';
export const EGRESS_SOCKET = 'proxy.sock';

/**
 * Joins the cgroups (the first argument: `cgroup.procs` files separated by `:`), ignores TERM
 * and INT for bwrap's outer process (see above), then becomes bwrap.
 */
export const JOIN_SCRIPT = [
  'IFS=:',
  'for f in $1; do [ -n "$f" ] && echo $$ > "$f"; done',
  'shift',
  "trap '' TERM INT",
  'exec "$@"',
].join('\n');

/**
 * Inside the sandbox, as the job user: the forwarder from the JVM's proxy port to the
 * service's egress socket (one socat child per connection), then the job, waited for like the
 * outer wrapper does (TERM reaches the job through the process group; this shell lives on to
 * see it end). bwrap's init waits for every process in the namespace, so the forwarder is
 * ended here: left running, it would keep the sandbox alive after the job.
 */
export const INSIDE_SCRIPT = [
  'socat -lf /dev/null "TCP-LISTEN:$1,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$2" </dev/null &',
  'forwarder=$!',
  'shift 2',
  ...RUN_CHILD_TO_ITS_END,
  'kill "$forwarder" 2>/dev/null',
  'exit "$code"',
].join('\n');

export function sandboxCommand(input: SandboxCommandInput): { command: string; args: string[] } {
  const bwrap = [
    input.bwrap ?? 'bwrap',
    '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--hostname', 'sluice-sandbox',
    '--proc', '/proc',
    '--dev', '/dev',
    '--tmpfs', '/tmp',
  ];
  // bwrap would make missing parents of a mount point 0700 (root's only): the job user could
  // not reach what is bound below them. `--dir` on a folder that exists does nothing.
  const parents = (paths: string[]) => parentsOf(paths).flatMap((dir) => ['--perms', '0755', '--dir', dir]);
  bwrap.push(...parents([...input.system, ...input.shared]));
  for (const dir of input.system) bwrap.push('--ro-bind-try', dir, dir);
  for (const { link, target } of input.symlinks) bwrap.push('--symlink', target, link);
  for (const dir of input.shared) bwrap.push('--bind', dir, dir);
  for (const dir of input.hidden) {
    if (input.shared.some((shared) => isInside(dir, shared))) bwrap.push('--perms', '0755', '--tmpfs', dir);
  }
  bwrap.push(...parents([...input.readOnly, input.workDir, EGRESS_DIR]));
  for (const file of input.readOnly) bwrap.push('--ro-bind', file, file);
  bwrap.push('--bind', input.workDir, input.workDir);
  bwrap.push('--ro-bind', input.egressDir, EGRESS_DIR);
  bwrap.push('--remount-ro', '/');
  bwrap.push('--chdir', input.workDir);
  const inside = [
    'env', '--default-signal=TERM,INT',
    'setpriv', `--reuid=${input.uid}`, `--regid=${input.gid}`, '--clear-groups',
    '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs',
    'sh', '-c', INSIDE_SCRIPT, 'sluice-sandbox', String(input.proxyPort), `${EGRESS_DIR}/${EGRESS_SOCKET}`,
    ...input.command,
  ];
  return { command: 'sh', args: ['-c', JOIN_SCRIPT, 'sluice-join', input.cgroupProcs.join(':'), ...bwrap, '--', ...inside] };
}

/** Every folder above the given paths, shallowest first, each once (not `/`, not /proc, /dev or /tmp themselves). */
export function parentsOf(paths: string[]): string[] {
  const found = new Set<string>();
  for (const file of paths) {
    const parts = file.split('/').filter((part) => part !== '');
    for (let depth = 1; depth < parts.length; depth++) found.add(`/${parts.slice(0, depth).join('/')}`);
  }
  return [...found].filter((dir) => !['/proc', '/dev', '/tmp'].includes(dir)).sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
}

const isInside = (file: string, dir: string) => file === dir || file.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
