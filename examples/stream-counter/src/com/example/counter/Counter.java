package com.example.counter;

import com.example.common.Json;
import com.example.common.PipelineFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * A stream pipeline: counts ticks (every `counter.interval-ms`, default 100) and appends the
 * running count to `counter.output` until it is stopped with SIGTERM, when it says where it stopped.
 */
public final class Counter {
    public static void main(String[] args) throws Exception {
        Object config = PipelineFiles.conf("pipeline-config.file");
        Properties properties = PipelineFiles.applicationProperties();
        long interval = Long.parseLong(properties.getProperty("counter.interval-ms", "100"));
        String output = properties.getProperty("counter.output");
        System.out.println("stream job " + System.getenv("PIPELINE_JOB_ID") + " writing to catalog "
            + Json.at(config, "pipeline.config.output-catalog.hrn"));
        CountDownLatch stopped = new CountDownLatch(1);
        long[] count = {0};
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping at count " + count[0]);
            stopped.countDown();
        }));
        while (stopped.getCount() > 0) {
            count[0]++;
            if (output != null) {
                Files.writeString(Path.of(output), count[0] + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            Thread.sleep(interval);
        }
    }
}
