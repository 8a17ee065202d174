package com.example.counter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Complete checkpoints appear atomically: each is written into a hidden folder, then renamed to
 * `chk-<n>`. Only the newest few are kept, as Flink's state.checkpoints.num-retained does.
 */
final class Checkpoints {
    private final Path dir;
    private final int retained;
    private long sequence;

    Checkpoints(Path dir, int retained) throws IOException {
        this.dir = dir;
        this.retained = Math.max(1, retained);
        Files.createDirectories(dir);
        try (Stream<Path> existing = Files.list(dir)) {
            sequence = existing.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("chk-"))
                .mapToLong(n -> Long.parseLong(n.substring(4))).max().orElse(0);
        }
    }

    void write(long count, long paddingBytes) throws IOException {
        sequence++;
        String name = String.format("chk-%010d", sequence);
        Path partial = dir.resolve("." + name);
        CounterState.write(partial, count, paddingBytes);
        Files.move(partial, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        List<Path> all;
        try (Stream<Path> listed = Files.list(dir)) {
            all = listed.filter(p -> p.getFileName().toString().startsWith("chk-"))
                .sorted(Comparator.comparing(p -> p.getFileName().toString())).collect(Collectors.toList());
        }
        for (int i = 0; i < all.size() - retained; i++) delete(all.get(i));
    }

    private static void delete(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) Files.deleteIfExists(p);
        }
    }
}
