import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { rangeOf } from '../../src/domain/byte-range.js';
import { fileJobLog, tailStart } from '../../src/runtimes/job-log.js';

describe('rangeOf', () => {
  const cases: [string | undefined, number, ReturnType<typeof rangeOf>][] = [
    [undefined, 100, { kind: 'whole' }],
    ['bytes=0-9', 100, { kind: 'part', start: 0, end: 9 }],
    ['bytes=90-', 100, { kind: 'part', start: 90, end: 99 }],
    ['bytes=90-200', 100, { kind: 'part', start: 90, end: 99 }],
    ['bytes=-10', 100, { kind: 'part', start: 90, end: 99 }],
    ['bytes=-500', 100, { kind: 'part', start: 0, end: 99 }],
    ['BYTES = 5 - 6', 100, { kind: 'part', start: 5, end: 6 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=-5', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', 100, { kind: 'whole' }],
    ['bytes=9-1', 100, { kind: 'whole' }],
    ['lines=1-2', 100, { kind: 'whole' }],
    ['bytes=-', 100, { kind: 'whole' }],
    ['bytes=a-b', 100, { kind: 'whole' }],
  ];
  for (const [header, size, expected] of cases) {
    it(`${JSON.stringify(header)} of ${size} bytes is ${JSON.stringify(expected)}`, () => assert.deepEqual(rangeOf(header, size), expected));
  }
});

describe('tailStart', () => {
  const start = async (text: string, lines: number) => {
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-tail-')), 'job.log');
    await fs.writeFile(file, text);
    const log = fileJobLog(file);
    const offset = await tailStart(log, await log.size(), lines);
    return text.slice(offset);
  };
  it('finds the last lines, a final newline ending the last one', async () => {
    assert.equal(await start('a\nb\nc\n', 2), 'b\nc\n');
    assert.equal(await start('a\nb\nc', 2), 'b\nc');
    assert.equal(await start('a\nb\nc\n', 5), 'a\nb\nc\n');
    assert.equal(await start('a\n\n\nb\n', 2), '\nb\n');
    assert.equal(await start('', 3), '');
  });
  it('reads backwards across chunks of a large log', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    const text = lines.join('\n') + '\n';
    assert.equal(await start(text, 1234), lines.slice(-1234).join('\n') + '\n');
  });
  it('a missing log has no bytes', async () => {
    assert.equal(await fileJobLog('/nonexistent/job.log').size(), 0);
  });
});
