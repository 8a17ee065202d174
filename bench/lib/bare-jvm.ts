import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Milliseconds from just before spawn() of one bare JVM. */
export interface BareJvmRun {
  /** Until its first byte of stdout: the main class is running (the class prints at once). */
  mainStartedMs: number;
  /** Until the process has exited (the 'exit' event, before its pipes are drained). */
  exitedMs: number;
}

/**
 * `java -cp <jar> <mainClass>` with nothing else: no flags, no wrapper, an environment of PATH
 * and HOME only (a Sluice job gets a few more variables, none the JVM reads). Throws if it
 * prints nothing or exits with another code than 0.
 */
export function runBareJvm(java: string, jar: string, mainClass: string, timeoutMs = 30_000): Promise<BareJvmRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let mainStartedMs: number | undefined;
    let stderr = '';
    const child = spawn(java, ['-cp', jar, mainClass], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bare ${mainClass} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', () => {
      mainStartedMs ??= performance.now() - started;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    let exitedMs = NaN;
    child.once('exit', () => {
      exitedMs = performance.now() - started;
    });
    // 'close' comes after 'exit' and after the pipes are drained, so the output is all there.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 || mainStartedMs === undefined) {
        reject(new Error(`bare ${mainClass} exited (code ${code}, signal ${signal})${mainStartedMs === undefined ? ' without output' : ''}: ${stderr.slice(-2000)}`));
        return;
      }
      resolve({ mainStartedMs, exitedMs });
    });
  });
}
