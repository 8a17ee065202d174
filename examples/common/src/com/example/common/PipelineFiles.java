package com.example.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Reads what Sluice gives a job: the two configuration files and application.properties. */
public final class PipelineFiles {
    private PipelineFiles() {}

    /** The file a system property names (pipeline-config.file, pipeline-job.file), parsed; null when not given. */
    public static Object conf(String property) throws IOException {
        String file = System.getProperty(property);
        if (file == null) return null;
        return Json.parse(Files.readString(Path.of(file)));
    }

    /** application.properties from the classpath (the job's work folder is on it). */
    public static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = PipelineFiles.class.getResourceAsStream("/application.properties")) {
            if (in != null) properties.load(in);
        }
        return properties;
    }
}
