package com.example.wordcount;

import com.example.common.Json;
import com.example.common.PipelineFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A batch pipeline: counts the words of the text files under `wordcount.input` and writes
 * "word<TAB>count" lines to `wordcount.output`. It fails (exit 1) when the input is missing or
 * holds the word POISON, so its input decides whether the job completes. `wordcount.line-delay-ms`
 * slows it down (for a job that runs long enough to be canceled).
 */
public final class WordCount {
    public static void main(String[] args) throws Exception {
        Object config = PipelineFiles.conf("pipeline-config.file");
        Object job = PipelineFiles.conf("pipeline-job.file");
        Properties properties = PipelineFiles.applicationProperties();
        System.out.println("job " + System.getenv("PIPELINE_JOB_ID") + " of version " + System.getenv("PIPELINE_VERSION_ID")
            + " of pipeline " + System.getenv("PIPELINE_ID"));
        System.out.println("output catalog: " + Json.at(config, "pipeline.config.output-catalog.hrn"));
        describeCatalogVersions(job);

        String input = properties.getProperty("wordcount.input");
        String output = properties.getProperty("wordcount.output");
        long delay = Long.parseLong(properties.getProperty("wordcount.line-delay-ms", "0"));
        if (input == null || output == null) fail("wordcount.input and wordcount.output must be set");
        Path inputPath = Path.of(input);
        if (!Files.exists(inputPath)) fail("input " + input + " does not exist");

        Map<String, Integer> counts = new TreeMap<>();
        for (Path file : files(inputPath)) {
            for (String line : Files.readAllLines(file)) {
                if (delay > 0) Thread.sleep(delay);
                for (String word : line.toLowerCase().split("[^\\p{L}\\p{N}]+")) {
                    if (word.isEmpty()) continue;
                    if (word.equals("poison")) fail("poisoned input in " + file);
                    counts.merge(word, 1, Integer::sum);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        counts.forEach((word, count) -> lines.add(word + "\t" + count));
        Path outputPath = Path.of(output);
        if (outputPath.getParent() != null) Files.createDirectories(outputPath.getParent());
        Files.write(outputPath, lines);
        System.out.println("counted " + counts.size() + " distinct words into " + output);
    }

    private static List<Path> files(Path input) throws IOException {
        if (Files.isRegularFile(input)) return List.of(input);
        try (Stream<Path> walk = Files.walk(input)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static void describeCatalogVersions(Object job) {
        if (job == null) {
            System.out.println("no pinned catalog versions");
            return;
        }
        System.out.println("output base-version: " + Json.at(job, "pipeline.job.catalog-versions.output-catalog.base-version"));
        Object inputs = Json.at(job, "pipeline.job.catalog-versions.input-catalogs");
        if (inputs instanceof Map) {
            for (Map.Entry<String, Object> entry : ((Map<String, Object>) inputs).entrySet()) {
                Object v = entry.getValue();
                System.out.println("input " + entry.getKey() + ": processing-type=" + Json.at(v, "processing-type")
                    + " since-version=" + Json.at(v, "since-version") + " version=" + Json.at(v, "version"));
            }
        }
    }

    private static void fail(String message) {
        System.err.println("word-count failed: " + message);
        System.exit(1);
    }
}
