import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface JobUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * The user a realm's jobs run as. One user for all (`job-user`), or one per realm (`realm`):
 * the base name, `-r` and 8 hex digits of the realm's SHA-256 (realm names are free text and
 * may be longer than a user name may be).
 */
export function jobUserName(mode: 'job-user' | 'realm', base: string, realm: string): string {
  if (mode === 'job-user') return base;
  return `${base}-r${createHash('sha256').update(realm).digest('hex').slice(0, 8)}`;
}

/** The user's entry in `/etc/passwd` text, if there is one. */
export function findUser(passwd: string, name: string): JobUser | undefined {
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && /^\d+$/.test(uid ?? '') && /^\d+$/.test(gid ?? '')) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/**
 * Users already looked up or made. Making one is `useradd --system` (Debian's passwd package):
 * no home, no login shell, no password; the service must be root to do it, which it is
 * whenever jobs are isolated.
 */
export class JobUsers {
  private readonly known = new Map<string, Promise<JobUser>>();

  get(name: string): Promise<JobUser> {
    let user = this.known.get(name);
    if (!user) {
      user = this.lookUpOrMake(name);
      this.known.set(name, user);
      user.catch(() => this.known.delete(name));
    }
    return user;
  }

  private async lookUpOrMake(name: string): Promise<JobUser> {
    const existing = findUser(await fs.readFile('/etc/passwd', 'utf8'), name);
    if (existing) return refuseRoot(existing);
    try {
      await run('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--user-group', name]);
    } catch (error) {
      // Another replica on this machine may have made it meanwhile.
      const made = findUser(await fs.readFile('/etc/passwd', 'utf8'), name);
      if (made) return refuseRoot(made);
      throw new Error(`the job user ${name} does not exist and could not be made: ${(error as Error).message}`);
    }
    const made = findUser(await fs.readFile('/etc/passwd', 'utf8'), name);
    if (!made) throw new Error(`useradd reported success but ${name} is not in /etc/passwd`);
    return refuseRoot(made);
  }
}

function refuseRoot(user: JobUser): JobUser {
  if (user.uid === 0 || user.gid === 0) throw new Error(`the job user ${user.name} has uid or gid 0: jobs never run as root`);
  return user;
}
