import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EGRESS_DIR, parentsOf, sandboxCommand, type SandboxCommandInput } from '../../src/runtimes/local-jvm/sandbox/bwrap-command.js';
import { cgroupMounts, limitFiles, ownGroups } from '../../src/runtimes/local-jvm/sandbox/cgroups.js';
import { findUser, jobUserName } from '../../src/runtimes/local-jvm/sandbox/job-users.js';

const input: SandboxCommandInput = {
  workDir: '/data/jobs/j1',
  shared: ['/srv/shared'],
  hidden: ['/data'],
  readOnly: ['/data/packages/p1.jar'],
  system: ['/usr', '/etc/ssl'],
  symlinks: [{ link: '/lib', target: 'usr/lib' }],
  egressDir: '/data/egress/j1',
  cgroupProcs: ['/sys/fs/cgroup/memory/sluice-jobs/j1/cgroup.procs', '/sys/fs/cgroup/cpu/sluice-jobs/j1/cgroup.procs'],
  uid: 999,
  gid: 995,
  proxyPort: 3128,
  command: ['java', '-Xmx256m', '-cp', '/data/jobs/j1:/data/packages/p1.jar', 'com.example.Main'],
};

/** The bwrap arguments between `bwrap` and `--`. */
function bwrapArgs(args: string[]): string[] {
  const start = args.indexOf('bwrap');
  return args.slice(start + 1, args.indexOf('--', start));
}

/** [option, ...values] groups of the bwrap arguments with `arity` values each. */
function mounts(args: string[], option: string, arity: number): string[][] {
  const found: string[][] = [];
  args.forEach((arg, i) => { if (arg === option) found.push(args.slice(i + 1, i + 1 + arity)); });
  return found;
}

describe('bwrap command', () => {
  const { command, args } = sandboxCommand(input);
  const bwrap = bwrapArgs(args);

  it('joins the cgroups first, then becomes bwrap with TERM ignored', () => {
    assert.equal(command, 'sh');
    assert.equal(args[0], '-c');
    assert.match(args[1], /echo \$\$ > "\$f"/);
    assert.match(args[1], /trap '' TERM INT\nexec "\$@"$/);
    assert.equal(args[3], input.cgroupProcs.join(':'));
    assert.equal(args[4], 'bwrap');
  });

  it('unshares PID, network and IPC, and never dies with its parent (a job outlives a killed service)', () => {
    for (const flag of ['--unshare-pid', '--unshare-net', '--unshare-ipc']) assert.ok(bwrap.includes(flag), flag);
    assert.ok(!bwrap.includes('--die-with-parent'));
    assert.ok(!bwrap.includes('--unshare-user'), 'no user namespace: uids are the host\'s');
  });

  it('shows the system read-only, the package read-only, the job folder and shared folders read-write, and nothing else of the data folder', () => {
    assert.deepEqual(mounts(bwrap, '--ro-bind-try', 2), [['/usr', '/usr'], ['/etc/ssl', '/etc/ssl']]);
    assert.deepEqual(mounts(bwrap, '--ro-bind', 2), [['/data/packages/p1.jar', '/data/packages/p1.jar'], ['/data/egress/j1', EGRESS_DIR]]);
    assert.deepEqual(mounts(bwrap, '--bind', 2), [['/srv/shared', '/srv/shared'], ['/data/jobs/j1', '/data/jobs/j1']]);
    assert.deepEqual(mounts(bwrap, '--symlink', 2), [['usr/lib', '/lib']]);
    assert.deepEqual(mounts(bwrap, '--proc', 1), [['/proc']]);
    assert.deepEqual(mounts(bwrap, '--tmpfs', 1), [['/tmp']], 'the data folder is not inside a shared folder: nothing to cover');
    assert.ok(bwrap.indexOf('--remount-ro') > bwrap.lastIndexOf('--bind'));
    assert.deepEqual(mounts(bwrap, '--chdir', 1), [['/data/jobs/j1']]);
  });

  it('covers the data folder when a shared folder holds it, before the job\'s own mounts', () => {
    const inside = bwrapArgs(sandboxCommand({ ...input, shared: ['/'], hidden: ['/data'] }).args);
    const cover = inside.findIndex((arg, i) => arg === '--tmpfs' && inside[i + 1] === '/data');
    assert.ok(cover > inside.indexOf('/srv/shared') || cover > 0);
    assert.ok(cover < inside.indexOf('/data/packages/p1.jar'));
    assert.ok(cover < inside.indexOf('/data/jobs/j1'));
  });

  it('makes the parents of mount points 0755, so the job user can reach what is below', () => {
    const dirs = mounts(bwrap, '--dir', 1).map(([dir]) => dir);
    for (const dir of ['/etc', '/data', '/data/packages', '/data/jobs', '/run']) assert.ok(dirs.includes(dir), dir);
    bwrap.forEach((arg, i) => { if (arg === '--dir') assert.deepEqual(bwrap.slice(i - 2, i), ['--perms', '0755']); });
  });

  it('runs the command as the job user with no capabilities, default TERM handling, and the egress forwarder', () => {
    const inside = args.slice(args.indexOf('--', args.indexOf('bwrap')) + 1);
    assert.deepEqual(inside.slice(0, 9), [
      'env', '--default-signal=TERM,INT',
      'setpriv', '--reuid=999', '--regid=995', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs',
    ]);
    assert.deepEqual(inside.slice(9, 11), ['sh', '-c']);
    assert.match(inside[11], /socat .*TCP-LISTEN:\$1,bind=127\.0\.0\.1/);
    assert.match(inside[11], /kill "\$forwarder"/);
    assert.deepEqual(inside.slice(13, 15), ['3128', `${EGRESS_DIR}/proxy.sock`]);
    assert.deepEqual(inside.slice(15), input.command);
  });

  it('lists parents shallowest first, once each, without /, /proc, /dev or /tmp', () => {
    assert.deepEqual(parentsOf(['/a/b/c', '/a/d', '/tmp/x/y', '/e']), ['/a', '/a/b', '/tmp/x']);
  });
});

describe('cgroups', () => {
  const mountsText = [
    'tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0',
    'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid 0 0',
    'cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0',
    'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0',
    'proc /proc proc rw 0 0',
  ].join('\n');

  it('finds the v1 and v2 mounts and this process\'s groups', () => {
    assert.deepEqual(cgroupMounts(mountsText).map((m) => [m.type, m.dir]), [
      ['cgroup2', '/sys/fs/cgroup/unified'], ['cgroup', '/sys/fs/cgroup/cpu'], ['cgroup', '/sys/fs/cgroup/memory'],
    ]);
    const own = ownGroups('4:memory:/process_api/a2c9\n2:cpu,cpuacct:/\n0::/init.scope\n');
    assert.equal(own.get('memory'), '/process_api/a2c9');
    assert.equal(own.get('cpuacct'), '/');
    assert.equal(own.get(''), '/init.scope');
  });

  it('writes the memory limit and a CPU quota in each version\'s files', () => {
    const limits = { memoryBytes: 805306368, cpus: 1.5 };
    assert.deepEqual(limitFiles('v2', 'both', limits), [{ name: 'memory.max', value: '805306368' }, { name: 'cpu.max', value: '150000 100000' }]);
    assert.deepEqual(limitFiles('v1', 'memory', limits), [{ name: 'memory.limit_in_bytes', value: '805306368' }]);
    assert.deepEqual(limitFiles('v1', 'cpu', limits), [{ name: 'cpu.cfs_period_us', value: '100000' }, { name: 'cpu.cfs_quota_us', value: '150000' }]);
  });
});

describe('job users', () => {
  it('one user, or one per realm with a short stable suffix', () => {
    assert.equal(jobUserName('job-user', 'sluice-job', 'realm-a'), 'sluice-job');
    const a = jobUserName('realm', 'sluice-job', 'realm-a');
    assert.match(a, /^sluice-job-r[0-9a-f]{8}$/);
    assert.equal(jobUserName('realm', 'sluice-job', 'realm-a'), a);
    assert.notEqual(jobUserName('realm', 'sluice-job', 'realm-b'), a);
    assert.ok(jobUserName('realm', 'x'.repeat(22), 'a realm name far longer than any user name may be').length <= 32);
  });

  it('reads uid and gid from /etc/passwd', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\nsluice-job:x:999:995::/nonexistent:/usr/sbin/nologin\n';
    assert.deepEqual(findUser(passwd, 'sluice-job'), { name: 'sluice-job', uid: 999, gid: 995 });
    assert.equal(findUser(passwd, 'sluice'), undefined);
  });
});
