import { spawn } from 'node:child_process';
import { CLI } from './server.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `sluice …` as a person would: a child process of the built CLI, with only the
 * environment given (plus PATH and HOME), stdin closed, stdout and stderr pipes (not a terminal).
 */
export function cliRunner(baseEnv: Record<string, string>) {
  return function sluice(args: string[], env: Record<string, string> = {}, timeoutMs = 180_000): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...baseEnv, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`sluice ${args.join(' ')} did not end in ${timeoutMs} ms`)); }, timeoutMs);
      child.once('error', reject);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  };
}

/** Asserts a run succeeded, showing its stderr when not. */
export function ok(run: CliRun): string {
  if (run.code !== 0) throw new Error(`exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return run.stdout;
}
