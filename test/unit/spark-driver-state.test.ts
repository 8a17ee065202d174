import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observeDriver, rootException } from '../../src/runtimes/spark/driver-state.js';
import type { DriverPhase } from '../../src/runtimes/spark/submitter.js';

const status = (state: DriverPhase, message: string | null = null) => ({ found: true as const, state, worker: null, message });

describe('driverState → observed job', () => {
  it('maps every state of the table', () => {
    assert.deepEqual(observeDriver(status('SUBMITTED'), null), { state: 'starting', relaunching: false });
    assert.deepEqual(observeDriver(status('RELAUNCHING'), null), { state: 'starting', relaunching: true });
    assert.deepEqual(observeDriver(status('RUNNING'), null), { state: 'running' });
    assert.deepEqual(observeDriver(status('UNKNOWN'), null), { state: 'running' });
    assert.deepEqual(observeDriver(status('FINISHED'), null), { state: 'finished', exitCode: 0 });
    assert.deepEqual(observeDriver({ found: false, message: null }, null), { state: 'lost' });
    const killed = observeDriver(status('KILLED'), null);
    assert.equal(killed.state, 'failed');
    assert.match((killed as { reason: string }).reason, /KILLED/);
  });

  it('an ERROR carries the cluster\'s root exception', () => {
    const observed = observeDriver(status('ERROR', 'Exception from the cluster:\njava.nio.file.NoSuchFileException: /mnt/s/packages/x.jar\n\tat org.apache.spark.deploy.worker.DriverRunner.downloadUserJar(DriverRunner.scala:160)'), null);
    assert.deepEqual(observed, { state: 'failed', driverState: 'ERROR', reason: 'the Spark driver could not run (ERROR): java.nio.file.NoSuchFileException: /mnt/s/packages/x.jar' });
  });

  it('a FAILED driver is explained by its log: the root exception, else the last line', () => {
    const log = [
      '==== Bytes 0-300 of 300 of /work/driver-1/stderr ====',
      'Exception in thread "main" java.lang.reflect.InvocationTargetException',
      '\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:118)',
      'Caused by: java.lang.IllegalStateException: poisoned input in /data/in.txt',
      '\tat com.example.WordCount.main(WordCount.java:44)',
      '\t... 3 more',
    ].join('\n');
    assert.equal((observeDriver(status('FAILED'), log) as { reason: string }).reason,
      'the Spark driver exited with an error (FAILED): java.lang.IllegalStateException: poisoned input in /data/in.txt');
    assert.equal((observeDriver(status('FAILED'), 'starting\nword-count failed: input /x does not exist\n') as { reason: string }).reason,
      'the Spark driver exited with an error (FAILED): word-count failed: input /x does not exist');
    assert.equal((observeDriver(status('FAILED'), null) as { reason: string }).reason, 'the Spark driver exited with an error (FAILED)');
  });
});

describe('rootException', () => {
  it('takes the deepest cause of the last trace, and nothing from text without one', () => {
    assert.equal(rootException('org.apache.spark.SparkException: Job aborted\nCaused by: java.io.IOException: disk full\n\tat x'), 'java.io.IOException: disk full');
    assert.equal(rootException('first java.lang.Error is not at a line start'), null);
    assert.equal(rootException('java.lang.OutOfMemoryError: Java heap space'), 'java.lang.OutOfMemoryError: Java heap space');
    assert.equal(rootException(''), null);
  });

  it('shortens a very long message', () => {
    const long = rootException(`java.lang.RuntimeException: ${'x'.repeat(1000)}`)!;
    assert.equal(long.length, 500);
    assert.ok(long.endsWith('...'));
  });
});
