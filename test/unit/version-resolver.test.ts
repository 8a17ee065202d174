import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baselineAfterSuccess, NO_VERSION, resolve, resolveInput } from '../../src/domain/version-resolver.js';

describe('version resolver', () => {
  const cases: [string, number, number | undefined, ReturnType<typeof resolveInput>][] = [
    ['first run reprocesses at the latest version', 5, undefined, { processingType: 'reprocess', version: 5 }],
    ['a newer version is a change since the baseline', 7, 3, { processingType: 'changes', sinceVersion: 3, version: 7 }],
    ['the same version is no change', 4, 4, { processingType: 'no_changes', version: 4 }],
    ['a catalog that went back (recreated) is reprocessed', 2, 9, { processingType: 'reprocess', version: 2 }],
    ['an empty catalog is no change at -1', NO_VERSION, undefined, { processingType: 'no_changes', version: -1 }],
    ['version 0 (first publication) after none counts', 0, undefined, { processingType: 'reprocess', version: 0 }],
  ];
  for (const [what, latest, previous, expected] of cases) {
    it(what, () => assert.deepEqual(resolveInput(latest, previous), expected));
  }

  it('first run of a version: every input reprocessed, output base from the output catalog', () => {
    const r = resolve({ latest: { a: 3, b: 8 }, baseline: null, outputLatest: 11, force: false });
    assert.equal(r.run, true);
    assert.deepEqual(r.inputs, { a: { processingType: 'reprocess', version: 3 }, b: { processingType: 'reprocess', version: 8 } });
    assert.equal(r.outputBaseVersion, 11);
  });

  it('a change on one of two inputs runs, with honest types for both', () => {
    const r = resolve({ latest: { a: 5, b: 8 }, baseline: { a: 3, b: 8 }, outputLatest: -1, force: false });
    assert.equal(r.run, true);
    assert.deepEqual(r.inputs, { a: { processingType: 'changes', sinceVersion: 3, version: 5 }, b: { processingType: 'no_changes', version: 8 } });
    assert.equal(r.outputBaseVersion, -1);
    assert.match(r.reason, /a \(changes 3→5\)/);
  });

  it('nothing changed: no run, unless forced (types stay no_changes)', () => {
    const quiet = resolve({ latest: { a: 5 }, baseline: { a: 5 }, outputLatest: 2, force: false });
    assert.equal(quiet.run, false);
    assert.match(quiet.reason, /nothing changed/);
    const forced = resolve({ latest: { a: 5 }, baseline: { a: 5 }, outputLatest: 2, force: true });
    assert.equal(forced.run, true);
    assert.deepEqual(forced.inputs, { a: { processingType: 'no_changes', version: 5 } });
  });

  it('a failed job keeps the baseline: the next trigger covers the same changes again', () => {
    // The baseline only moves on success, so with the same baseline the same range comes back, now wider.
    const first = resolve({ latest: { a: 6 }, baseline: { a: 2 }, outputLatest: 0, force: false });
    const afterFailure = resolve({ latest: { a: 9 }, baseline: { a: 2 }, outputLatest: 0, force: false });
    assert.deepEqual(first.inputs.a, { processingType: 'changes', sinceVersion: 2, version: 6 });
    assert.deepEqual(afterFailure.inputs.a, { processingType: 'changes', sinceVersion: 2, version: 9 });
  });

  it('a catalog trigger does not retry a failed range until a new version arrives', () => {
    const waiting = resolve({ latest: { a: 6 }, baseline: { a: 2 }, outputLatest: 0, force: false, lastAttempt: { a: 6 } });
    assert.equal(waiting.run, false);
    assert.match(waiting.reason, /already tried/);
    const next = resolve({ latest: { a: 7 }, baseline: { a: 2 }, outputLatest: 0, force: false, lastAttempt: { a: 6 } });
    assert.equal(next.run, true);
    assert.deepEqual(next.inputs.a, { processingType: 'changes', sinceVersion: 2, version: 7 });
    // force (cron) runs regardless.
    assert.equal(resolve({ latest: { a: 6 }, baseline: { a: 2 }, outputLatest: 0, force: true, lastAttempt: { a: 6 } }).run, true);
  });

  it('skipped versions are covered in one range (no per-version promise)', () => {
    assert.deepEqual(resolve({ latest: { a: 20 }, baseline: { a: 10 }, outputLatest: 0, force: false }).inputs.a,
      { processingType: 'changes', sinceVersion: 10, version: 20 });
  });

  it('inputs with no version yet do not trigger a run', () => {
    const r = resolve({ latest: { a: NO_VERSION }, baseline: null, outputLatest: -1, force: false });
    assert.equal(r.run, false);
    assert.match(r.reason, /no input catalog has a version/);
  });

  it('same catalog as input and output: the job\'s own commit does not trigger it again', () => {
    const baseline = baselineAfterSuccess({ self: 4, other: 7 }, ['self'], 5);
    assert.deepEqual(baseline, { self: 5, other: 7 });
    assert.equal(resolve({ latest: { self: 5, other: 7 }, baseline, outputLatest: 5, force: false }).run, false);
    // A commit by someone else after the job's own still counts.
    assert.deepEqual(resolve({ latest: { self: 6, other: 7 }, baseline, outputLatest: 6, force: false }).inputs.self,
      { processingType: 'changes', sinceVersion: 5, version: 6 });
  });
});
