package com.example.counter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The root level of the Log4j2 file Sluice writes for the job, looked at again every
 * monitorInterval seconds, as Log4j2 itself would (the example has no Log4j2 on its classpath:
 * no Maven here). A rewritten file changes what the job logs while it runs.
 */
final class LogLevel {
    private static final Pattern ROOT = Pattern.compile("<Root level=\"(\\w+)\"");
    private static final Pattern MONITOR = Pattern.compile("monitorInterval=\"(\\d+)\"");
    private final Path file;
    private String level = "warn";
    private long monitorMs = 5000;
    private long nextLook;

    LogLevel(String file) {
        this.file = file == null ? null : Path.of(file);
        look();
    }

    void debug(String message) {
        if (System.currentTimeMillis() >= nextLook) look();
        if ("debug".equals(level)) System.out.println("DEBUG " + message);
    }

    private void look() {
        nextLook = System.currentTimeMillis() + monitorMs;
        if (file == null) return;
        try {
            String text = Files.readString(file);
            Matcher m = MONITOR.matcher(text);
            if (m.find()) monitorMs = Math.max(1000, Long.parseLong(m.group(1)) * 1000);
            Matcher root = ROOT.matcher(text);
            if (root.find() && !root.group(1).equals(level)) {
                level = root.group(1);
                System.out.println("log level now " + level);
            }
        } catch (Exception e) {
            // Keep the level we had: the file is being replaced.
        }
    }
}
