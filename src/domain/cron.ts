import { Cron } from 'croner';

/**
 * Cron fire times, in UTC. Parsed expressions are kept (a sweep asks for the same few
 * expressions thousands of times); the memo is dropped whole if it grows past MAX_PARSED.
 */
const MAX_PARSED = 1000;
const parsed = new Map<string, Cron>();

function cronOf(expression: string): Cron {
  let cron = parsed.get(expression);
  if (!cron) {
    if (parsed.size >= MAX_PARSED) parsed.clear();
    cron = new Cron(expression, { timezone: 'UTC', paused: true });
    parsed.set(expression, cron);
  }
  return cron;
}

/** The first fire time strictly after `after`, or null if the expression never fires again. */
export function nextFire(expression: string, after: Date): Date | null {
  return cronOf(expression).nextRun(after);
}

/**
 * Where a version's schedule counts from: its last tick taken, else when it last changed
 * (activation and resume also set the last tick, so a pause skips the ticks it spanned).
 */
export function nextFireOf(expression: string, lastTick: Date | null, updated: Date): Date | null {
  return nextFire(expression, lastTick ?? updated);
}
