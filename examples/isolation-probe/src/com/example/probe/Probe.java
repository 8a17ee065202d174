package com.example.probe;

import com.example.common.PipelineFiles;
import java.io.File;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A hostile batch job, for the isolation tests: it tries what a job must not be able to do and
 * prints one line per attempt, `PROBE <name> reached|blocked <detail>`, and never what it read
 * (the secret must not end up in a log). Each target comes from application.properties
 * (`probe.<name>`); an attempt without its property is skipped. It exits 0 whatever happened.
 */
public final class Probe {
    private interface Attempt {
        String run(String target) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Properties p = PipelineFiles.applicationProperties();
        System.out.println("PROBE user " + System.getProperty("user.name") + " in " + System.getProperty("user.dir"));
        attempt(p, "secret-file", target -> Files.readAllBytes(Path.of(target)).length + " bytes read");
        attempt(p, "service-environ", target -> Files.readAllBytes(Path.of("/proc/" + target + "/environ")).length + " bytes read");
        attempt(p, "other-package", target -> Files.readAllBytes(Path.of(target)).length + " bytes read");
        attempt(p, "packages-folder", target -> listing(target));
        attempt(p, "other-job", target -> Files.readAllBytes(Path.of(target)).length + " bytes read");
        attempt(p, "signal-service", Probe::signal);
        attempt(p, "refused-url", target -> get(target));
        attempt(p, "unlisted-url", target -> get(target));
        attempt(p, "admitted-url", target -> get(target));
        attempt(p, "direct-connect", Probe::direct);
    }

    private static void attempt(Properties p, String name, Attempt attempt) {
        String target = p.getProperty("probe." + name);
        if (target == null) return;
        String line;
        try {
            line = "PROBE " + name + " reached " + attempt.run(target);
        } catch (Exception e) {
            line = "PROBE " + name + " blocked " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        System.out.println(line.replace('\n', ' '));
    }

    private static String listing(String dir) throws Exception {
        String[] names = new File(dir).list();
        if (names == null) throw new java.io.IOException(dir + " cannot be listed");
        return names.length + " entries";
    }

    /** `kill -0`: whether a signal could be sent, without sending one that does anything. */
    private static String signal(String pid) throws Exception {
        if (ProcessHandle.of(Long.parseLong(pid)).isEmpty()) throw new IllegalStateException("no process " + pid + " in sight");
        Process kill = new ProcessBuilder("kill", "-0", pid).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes()).trim();
        if (kill.waitFor() != 0) throw new IllegalStateException("kill -0 " + pid + ": " + out);
        return "kill -0 " + pid + " succeeded";
    }

    /** Through the JVM's configured proxy (http.proxyHost), as any library would. */
    private static String get(String url) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(5000);
        int status = connection.getResponseCode();
        if (status != 200) throw new IllegalStateException("HTTP " + status);
        try (InputStream in = connection.getInputStream()) {
            return "HTTP 200 " + new String(in.readAllBytes()).trim();
        }
    }

    /** Around the proxy: a plain socket to host:port. */
    private static String direct(String hostPort) throws Exception {
        int colon = hostPort.lastIndexOf(':');
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            socket.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), 5000);
            return "connected to " + hostPort;
        }
    }
}
