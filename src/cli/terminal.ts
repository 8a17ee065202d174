/**
 * Progress and spinners go to stderr, and only when it is a terminal: scripts and pipes see
 * nothing but the result on stdout.
 */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Activity {
  update(text: string): void;
  stop(): void;
}

const silent: Activity = { update: () => undefined, stop: () => undefined };

export function spinner(text: string, enabled = process.stderr.isTTY === true): Activity {
  if (!enabled) return silent;
  let frame = 0;
  let label = text;
  const draw = () => process.stderr.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label}`);
  draw();
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    update(next) { label = next; },
    stop() { clearInterval(timer); process.stderr.write('\r\x1b[2K'); },
  };
}

/** A progress bar for `total` bytes: `[#####-----]  42% 21.0/50.0 MB`. */
export function progressBar(label: string, total: number, enabled = process.stderr.isTTY === true) {
  if (!enabled) return { advance: (_bytes: number) => undefined, stop: () => undefined };
  let done = 0;
  let lastDraw = 0;
  const mb = (n: number) => (n / 1_048_576).toFixed(1);
  const draw = () => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(ratio * width);
    process.stderr.write(`\r\x1b[2K${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${mb(done)}/${mb(total)} MB`);
  };
  return {
    advance(bytes: number) {
      done += bytes;
      // At most every 100 ms: a redraw per 64 KiB chunk would flood the terminal.
      if (Date.now() - lastDraw > 100 || done >= total) { lastDraw = Date.now(); draw(); }
    },
    stop() { process.stderr.write('\r\x1b[2K'); },
  };
}
