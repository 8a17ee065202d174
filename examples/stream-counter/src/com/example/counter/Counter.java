package com.example.counter;

import com.example.common.Json;
import com.example.common.PipelineFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * A stateful stream pipeline: counts ticks (every `counter.interval-ms`, default 100) and appends
 * the running count to `counter.output`. Its state, the count, survives pause/resume, upgrade and
 * restarts (behaviour notes §5 of Sluice's reference):
 * <ul>
 * <li>starts from `pipeline.restore.dir` when given;</li>
 * <li>writes a checkpoint every `counter.checkpoint-interval-ms` (default 1000) into
 *     `pipeline.checkpoint.dir`, keeping the newest `counter.retained-checkpoints` (default 3);</li>
 * <li>on SIGTERM stops counting, writes the state into `pipeline.snapshot.dir` and exits, unless
 *     `counter.on-sigterm=ignore` (a job that will not stop: its shutdown never finishes).</li>
 * </ul>
 * `counter.state-bytes` pads the state (to measure large states); the log level follows the
 * Log4j2 file Sluice writes, re-read like Log4j2's monitorInterval would.
 */
public final class Counter {
    private static volatile boolean stopping;

    public static void main(String[] args) throws Exception {
        Object config = PipelineFiles.conf("pipeline-config.file");
        Properties properties = PipelineFiles.applicationProperties();
        long interval = Long.parseLong(properties.getProperty("counter.interval-ms", "100"));
        long checkpointEvery = Long.parseLong(properties.getProperty("counter.checkpoint-interval-ms", "1000"));
        int retained = Integer.parseInt(properties.getProperty("counter.retained-checkpoints", "3"));
        long stateBytes = Long.parseLong(properties.getProperty("counter.state-bytes", "0"));
        boolean ignoreSigterm = "ignore".equals(properties.getProperty("counter.on-sigterm"));
        String output = properties.getProperty("counter.output");
        String checkpointDir = System.getProperty("pipeline.checkpoint.dir");
        String snapshotDir = System.getProperty("pipeline.snapshot.dir");
        String restoreDir = System.getProperty("pipeline.restore.dir");
        LogLevel log = new LogLevel(System.getProperty("log4j2.configurationFile"));

        System.out.println("stream job " + System.getenv("PIPELINE_JOB_ID") + " writing to catalog "
            + Json.at(config, "pipeline.config.output-catalog.hrn"));
        long[] count = {0};
        boolean[] restored = {restoreDir == null};
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (ignoreSigterm) {
                    System.out.println("SIGTERM received; ignoring it");
                    Thread.sleep(Long.MAX_VALUE);
                }
                stopping = true;
                done.await();
                if (snapshotDir != null && restored[0]) {
                    CounterState.write(Path.of(snapshotDir), count[0], stateBytes);
                    System.out.println("snapshot written at count " + count[0]);
                }
                System.out.println("stopping at count " + count[0]);
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));

        // Restored after the hook is in place: a SIGTERM during the restore still gets a snapshot,
        // of the restored count, since counting never starts.
        try {
            if (restoreDir != null) {
                count[0] = CounterState.read(Path.of(restoreDir));
                restored[0] = true;
                System.out.println("restored count " + count[0] + " from " + restoreDir);
            }
        } catch (Exception e) {
            done.countDown(); // no snapshot of a state that was never read
            throw e;
        }
        Checkpoints checkpoints = checkpointDir == null ? null : new Checkpoints(Path.of(checkpointDir), retained);
        long nextCheckpoint = System.currentTimeMillis() + checkpointEvery;
        try {
            while (!stopping) {
                count[0]++;
                if (output != null) {
                    Files.writeString(Path.of(output), count[0] + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
                log.debug("count " + count[0]);
                if (checkpoints != null && System.currentTimeMillis() >= nextCheckpoint) {
                    checkpoints.write(count[0], stateBytes);
                    nextCheckpoint = System.currentTimeMillis() + checkpointEvery;
                }
                Thread.sleep(interval);
            }
        } finally {
            // Counting has stopped for good: the shutdown hook writes the snapshot, then the JVM exits.
            done.countDown();
        }
    }
}
