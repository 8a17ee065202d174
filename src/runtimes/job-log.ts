import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Readable } from 'node:stream';

/**
 * A job's log as the log route reads it: how long it is now, and a byte range of it. The local
 * JVM's is a file in the job folder; a remote runtime supplies its own from its log endpoint.
 */
export interface JobLog {
  /** Bytes written so far; 0 while there is no log yet. */
  size(): Promise<number>;
  /** Bytes `start` to `end`, both included. */
  read(start: number, end: number): Readable;
}

export function fileJobLog(file: string): JobLog {
  return {
    size: () => fs.stat(file).then((stat) => stat.size, () => 0),
    read: (start, end) => createReadStream(file, { start, end }),
  };
}

/** The log of a job whose runtime keeps none Sluice can read: always empty. */
export const emptyJobLog: JobLog = {
  size: async () => 0,
  read: () => Readable.from([]),
};

const TAIL_CHUNK = 64 * 1024;

export async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Where the last `lines` lines of the first `size` bytes begin, read backwards a chunk at a time
 * (a log of gigabytes costs a few reads, not a scan). A last line without its newline counts.
 */
export async function tailStart(log: JobLog, size: number, lines: number): Promise<number> {
  if (size === 0 || lines <= 0) return size;
  let newlines = 0;
  let end = size;
  // A newline that ends the log ends its last line; it does not start another.
  let skipLast = true;
  while (end > 0) {
    const start = Math.max(0, end - TAIL_CHUNK);
    const chunk = await bytesOf(log.read(start, end - 1));
    for (let i = chunk.length - 1; i >= 0; i--) {
      if (chunk[i] !== 0x0a) {
        skipLast = false;
        continue;
      }
      if (skipLast) {
        skipLast = false;
        continue;
      }
      if (++newlines === lines) return start + i + 1;
    }
    end = start;
  }
  return 0;
}

export interface FollowOptions {
  /** Where to begin. */
  from: number;
  /** Whether the job has ended (then what is left is sent and the follow ends). */
  ended: () => Promise<boolean>;
  signal: AbortSignal;
  /** How often to look for new bytes (ms). */
  pollMs?: number;
  /** How often to ask whether the job has ended (ms). */
  endCheckMs?: number;
}

const pause = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  function done() {
    clearTimeout(timer);
    signal.removeEventListener('abort', done);
    resolve();
  }
  signal.addEventListener('abort', done, { once: true });
});

/**
 * The log's bytes from `from` on as they are written, until the job has ended and everything it
 * wrote has been given, or `signal` aborts (the client went away, the service stops). Polls the
 * size (250 ms): it works the same on any file system and for a remote log, where a file
 * watch would not.
 */
export async function* followJobLog(log: JobLog, options: FollowOptions): AsyncGenerator<Buffer> {
  const pollMs = options.pollMs ?? 250;
  const endCheckMs = options.endCheckMs ?? 1_000;
  let offset = options.from;
  let checkedAt = 0;
  while (!options.signal.aborted) {
    const size = await log.size();
    if (size > offset) {
      for await (const chunk of log.read(offset, size - 1)) {
        if (options.signal.aborted) return;
        yield chunk as Buffer;
      }
      offset = size;
      continue;
    }
    if (Date.now() - checkedAt >= endCheckMs) {
      checkedAt = Date.now();
      // Ended: one more look, since the last lines may have come after the size was read.
      if (await options.ended()) {
        const last = await log.size();
        if (last > offset) for await (const chunk of log.read(offset, last - 1)) yield chunk as Buffer;
        return;
      }
    }
    await pause(pollMs, options.signal);
  }
}
