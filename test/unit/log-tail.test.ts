import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileJobLog } from '../../src/runtimes/job-log.js';
import { MAX_LOG_CHUNK, readLogTail, TAIL_BYTES, wholeCharacterLength } from '../../src/http/console/log-tail.js';

describe('job log chunks for the console', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-log-tail-')); });
  after(async () => fs.rm(dir, { recursive: true, force: true }));

  it('cuts a chunk before a character it would split', () => {
    const bytes = Buffer.from('aé€😀', 'utf8'); // 1 + 2 + 3 + 4 bytes
    assert.equal(wholeCharacterLength(bytes), 10);
    for (const [cut, whole] of [[2, 1], [3, 3], [4, 3], [5, 3], [6, 6], [7, 6], [8, 6], [9, 6]]) {
      assert.equal(wholeCharacterLength(bytes.subarray(0, cut)), whole, `cut at ${cut}`);
    }
    assert.equal(wholeCharacterLength(Buffer.alloc(0)), 0);
  });

  it('reads from an offset to the end, and goes on from where it stopped', async () => {
    const file = path.join(dir, 'job.log');
    await fs.writeFile(file, 'first line\nsecond ');
    const start = await readLogTail(fileJobLog(file), 0);
    assert.deepEqual(start, { size: 18, from: 0, next: 18, text: 'first line\nsecond ' });
    await fs.appendFile(file, 'line €\n');
    const more = await readLogTail(fileJobLog(file), start.next);
    assert.deepEqual(more, { size: 27, from: 18, next: 27, text: 'line €\n' });
    assert.deepEqual(await readLogTail(fileJobLog(file), more.next), { size: 27, from: 27, next: 27, text: '' });
    assert.deepEqual(await readLogTail(fileJobLog(path.join(dir, 'not-written-yet.log'))), { size: 0, from: 0, next: 0, text: '' });
  });

  it('starts a long log at the first whole line of its tail, and reads at most a chunk', async () => {
    const file = path.join(dir, 'long.log');
    const line = `${'x'.repeat(99)}\n`;
    await fs.writeFile(file, line.repeat(Math.ceil((MAX_LOG_CHUNK * 2) / line.length)));
    const { size } = await fs.stat(file);
    const tail = await readLogTail(fileJobLog(file));
    assert.ok(tail.from >= size - TAIL_BYTES && tail.from % line.length === 0, `from ${tail.from}`);
    assert.equal(tail.next, size);
    const head = await readLogTail(fileJobLog(file), 0);
    assert.equal(head.next - head.from, MAX_LOG_CHUNK);
  });
});
