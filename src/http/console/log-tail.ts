import { bytesOf, type JobLog } from '../../runtimes/job-log.js';

/** Most of a log one answer carries; the console asks again from `next` for the rest. */
export const MAX_LOG_CHUNK = 256 * 1024;
/** Without `from`, the console starts this far before the end (a long log's tail). */
export const TAIL_BYTES = 64 * 1024;

export interface LogChunk {
  /** The file's size when read. */
  size: number;
  /** Byte offset `text` starts at. */
  from: number;
  /** Byte offset to ask from next time. */
  next: number;
  text: string;
}

/**
 * How many leading bytes of `bytes` are whole UTF-8 characters: a chunk cut inside a character
 * leaves its first bytes to the next chunk instead of sending a replacement character.
 */
export function wholeCharacterLength(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = bytes[end - back];
    if ((byte & 0xc0) !== 0x80) {
      // A lead byte `back` bytes from the end: is its character complete?
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      return needed > back ? end - back : end;
    }
  }
  return end;
}

/**
 * A chunk of a job's log from byte `from` (without it: the last TAIL_BYTES, from a line start),
 * at most MAX_LOG_CHUNK, ending on a whole character. A log not written yet is empty.
 */
export async function readLogTail(log: JobLog, from?: number): Promise<LogChunk> {
  const size = await log.size();
  const tail = from === undefined;
  let start = Math.min(tail ? Math.max(0, size - TAIL_BYTES) : from, size);
  const length = Math.min(MAX_LOG_CHUNK, size - start);
  let bytes = length > 0 ? await bytesOf(log.read(start, start + length - 1)) : Buffer.alloc(0);
  if (tail && start > 0) {
    // Start at the first whole line of the tail.
    const newline = bytes.indexOf(0x0a);
    const skip = newline >= 0 ? newline + 1 : 0;
    bytes = bytes.subarray(skip);
    start += skip;
  }
  const whole = bytes.subarray(0, wholeCharacterLength(bytes));
  return { size, from: start, next: start + whole.length, text: whole.toString('utf8') };
}
