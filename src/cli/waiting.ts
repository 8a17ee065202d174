import { CommandFailure, UsageError } from './errors.js';
import { spinner } from './terminal.js';

export interface WaitOptions {
  timeoutSeconds: number;
  /** Shown beside the spinner on a terminal. */
  label: string;
  interactive: boolean;
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value, or fails the command (exit 1) at the deadline. The
 * interval grows from 200 ms to 2 s: quick answers for short operations, few requests for long ones.
 */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const activity = spinner(options.label, options.interactive);
  let interval = options.intervalMs ?? 200;
  try {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() >= deadline) throw new CommandFailure(`timed out after ${options.timeoutSeconds} s waiting for ${options.label}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(0, deadline - Date.now()))));
      interval = Math.min(interval * 1.5, 2000);
    }
  } finally {
    activity.stop();
  }
}

/** `--timeout <seconds>`. */
export function timeoutOf(value: string | undefined, fallback = 600): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got "${value}"`);
  return n;
}
