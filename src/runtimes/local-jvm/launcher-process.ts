/**
 * The job launcher's own process (see launcher.ts): prepares job folders and spawns job wrappers
 * on the service's behalf, and says when each has exited. It holds next to no memory, so its
 * fork() is cheap; it keeps no state worth keeping, and ends when the service does (its IPC
 * channel closes).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FolderPreparation, LauncherReply, SpawnRequest } from './launcher.js';
import { procInfo } from './proc.js';

function send(reply: LauncherReply): void {
  try {
    process.send?.(reply);
  } catch {
    // The service is gone; 'disconnect' ends this process.
  }
}

function launchedAttempt(file: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** false: the folder says this attempt was launched before, and nothing was touched. */
function prepareFolder(cwd: string, prepare: FolderPreparation): boolean {
  const launched = path.join(cwd, prepare.launched);
  const earlier = launchedAttempt(launched);
  if (earlier !== null && earlier >= prepare.attempt) return false;
  fs.mkdirSync(cwd, { recursive: true });
  for (const name of prepare.remove) fs.rmSync(path.join(cwd, name), { recursive: true, force: true });
  for (const name of prepare.dirs) fs.mkdirSync(path.join(cwd, name), { recursive: true });
  if (prepare.owner) {
    for (const dir of [cwd, ...prepare.dirs.map((name) => path.join(cwd, name))]) fs.chownSync(dir, prepare.owner.uid, prepare.owner.gid);
  }
  for (const file of prepare.files) {
    if (file.append) fs.appendFileSync(path.join(cwd, file.name), file.text);
    else fs.writeFileSync(path.join(cwd, file.name), file.text);
  }
  // Last, just before the spawn: with it there may be a process to look for; without it there is none.
  fs.writeFileSync(launched, `${prepare.attempt}\n`);
  return true;
}

process.on('message', (request: SpawnRequest) => {
  let answered = false;
  const answer = (reply: LauncherReply) => {
    if (answered) return;
    answered = true;
    send(reply);
  };
  let log: number | undefined;
  try {
    if (request.prepare && !prepareFolder(request.cwd, request.prepare)) {
      answer({ id: request.id, alreadyLaunched: true });
      return;
    }
    log = fs.openSync(request.logFile, 'a');
    const child = spawn(request.command, request.args, {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    // Read here, where the event loop is idle, rather than by the busy service.
    child.once('spawn', () => void procInfo(child.pid!).then((info) => answer({ id: request.id, pid: child.pid!, startTime: info?.startTime ?? null })));
    child.once('error', (error) => answer({ id: request.id, error: error.message }));
    child.once('exit', (code, signal) => send({ exited: request.jobId, code, signal }));
  } catch (error) {
    answer({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  } finally {
    // The child has its own copy of the descriptor.
    if (log !== undefined) fs.closeSync(log);
  }
});

process.on('disconnect', () => process.exit(0));
