/**
 * Time as the engine sees it. The system clock in production; a manual clock (SLUICE_CLOCK=manual)
 * lets tests move time forward so cron ticks fire without waiting for wall-clock minutes.
 */
export interface Clock {
  now(): Date;
  /** Called whenever time jumps (manual clock), so timers waiting on it re-check. */
  onJump(listener: () => void): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  onJump: () => {},
};

export class ManualClock implements Clock {
  private offsetMs = 0;
  private readonly listeners: (() => void)[] = [];

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves time to `to` (never backwards) and tells the waiting timers. */
  set(to: Date): void {
    this.offsetMs = Math.max(this.offsetMs, to.getTime() - Date.now());
    for (const listener of this.listeners) listener();
  }

  onJump(listener: () => void): void {
    this.listeners.push(listener);
  }
}
