package com.example.counter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The counter's state in a folder: `count` holds the number, `padding.bin` makes it as big as asked. */
final class CounterState {
    private CounterState() {}

    static void write(Path dir, long count, long paddingBytes) throws IOException {
        Files.createDirectories(dir);
        if (paddingBytes > 0) {
            byte[] block = new byte[1 << 20];
            try (OutputStream out = Files.newOutputStream(dir.resolve("padding.bin"))) {
                for (long left = paddingBytes; left > 0; left -= block.length) out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        // Written last: a folder with `count` in it is complete.
        Files.writeString(dir.resolve("count"), Long.toString(count));
    }

    static long read(Path dir) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("count")).trim());
    }
}
