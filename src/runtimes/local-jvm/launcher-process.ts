/**
 * The job launcher's own process (see launcher.ts): spawns job wrappers on the service's behalf
 * and says when each has exited. It holds next to no memory, so its fork() is cheap; it keeps no
 * state worth keeping, and ends when the service does (its IPC channel closes).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { LauncherReply, SpawnRequest } from './launcher.js';
import { procInfo } from './proc.js';

function send(reply: LauncherReply): void {
  try {
    process.send?.(reply);
  } catch {
    // The service is gone; 'disconnect' ends this process.
  }
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
    child.once('exit', () => send({ exited: request.jobId }));
  } catch (error) {
    answer({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  } finally {
    // The child has its own copy of the descriptor.
    if (log !== undefined) fs.closeSync(log);
  }
});

process.on('disconnect', () => process.exit(0));
