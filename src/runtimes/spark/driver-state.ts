import type { DriverPhase, DriverStatus } from './submitter.js';

/**
 * A Spark driver's state in the engine's neutral words (the seam's ObservedJob):
 *
 * | driverState   | observed  | why |
 * |---------------|-----------|-----|
 * | SUBMITTED     | starting  | waiting for a worker with room |
 * | RELAUNCHING   | starting  | its worker was lost and `spark.driver.supervise` places it again: the same job, restarted |
 * | RUNNING       | running   | |
 * | UNKNOWN       | running   | a recovering master has not heard from its worker yet: not an end |
 * | FINISHED      | finished  | exit code 0 |
 * | FAILED        | failed    | exit code ≠ 0; the reason is the root exception of the driver's log when it can be read |
 * | ERROR         | failed    | it could not run (an unreadable JAR); the reason is the cluster's exception |
 * | KILLED        | failed    | a kill, ours (the engine knows it asked) or someone else's |
 * | (not found)   | lost      | the master answers and has no such driver (restarted without recovery) |
 */
export type ObservedDriver =
  | { state: 'starting'; relaunching: boolean }
  | { state: 'running' }
  | { state: 'finished'; exitCode: 0 }
  | { state: 'failed'; reason: string; driverState: DriverPhase }
  | { state: 'lost' };

export function observeDriver(status: DriverStatus, driverLogTail: string | null): ObservedDriver {
  if (!status.found) return { state: 'lost' };
  switch (status.state) {
    case 'SUBMITTED':
      return { state: 'starting', relaunching: false };
    case 'RELAUNCHING':
      return { state: 'starting', relaunching: true };
    case 'RUNNING':
    case 'UNKNOWN':
      return { state: 'running' };
    case 'FINISHED':
      return { state: 'finished', exitCode: 0 };
    case 'ERROR': {
      const root = rootException(status.message ?? '');
      return { state: 'failed', driverState: 'ERROR', reason: `the Spark driver could not run (ERROR)${root ? `: ${root}` : ''}` };
    }
    case 'FAILED': {
      const root = rootException(driverLogTail ?? '') ?? rootException(status.message ?? '') ?? lastLine(driverLogTail ?? '');
      return { state: 'failed', driverState: 'FAILED', reason: `the Spark driver exited with an error (FAILED)${root ? `: ${root}` : ''}` };
    }
    case 'KILLED':
      return { state: 'failed', driverState: 'KILLED', reason: 'the Spark driver was killed (KILLED)' };
  }
}

const EXCEPTION_LINE = /^(?:Exception in thread "[^"]*" |Caused by: )?((?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)\b(?::.*)?)$/;

/**
 * The root of a Java stack trace: the last "Caused by:" of the last trace in the text, else its
 * first exception line. "Exception from the cluster:\njava.nio.file.NoSuchFileException: /x.jar\n\tat …"
 * gives "java.nio.file.NoSuchFileException: /x.jar". null when there is no exception in it.
 */
export function rootException(text: string): string | null {
  let root: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const match = EXCEPTION_LINE.exec(line.trim());
    if (!match) continue;
    // A line that starts a new trace (not "Caused by:") replaces the root; a cause deepens it.
    root = match[1];
  }
  return root ? shorten(root) : null;
}

/** A driver that exits without a stack trace (System.exit(1) after printing why) is explained by its last line. */
function lastLine(text: string): string | null {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('===='));
  return lines.length > 0 ? shorten(lines[lines.length - 1]) : null;
}

const shorten = (text: string) => (text.length > 500 ? `${text.slice(0, 497)}...` : text);
