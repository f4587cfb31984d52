package dev.uploadkit.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A standalone server in a JVM of its own, as a user runs it, so that tests can kill it for real ({@code kill -9})
 * and start it again on the same data. Its output is read on a thread of its own and kept.
 */
final class ForkedServer implements AutoCloseable {
    private static final String KEY_LINE = "Admin API key: ";
    private static final String LISTENING_LINE = "Uploadkit listening on ";

    private final Process process;
    private final String baseUrl;
    private final String printedKey;
    private final LinkedBlockingQueue<String> unread;
    private final List<String> output;

    private ForkedServer(Process process, String baseUrl, String printedKey, LinkedBlockingQueue<String> unread,
                         List<String> output) {
        this.process = process;
        this.unread = unread;
        this.output = output;
        this.baseUrl = baseUrl;
        this.printedKey = printedKey;
    }

    /**
     * Starts {@code java <jvmArgs> <launch...> --port 0 --data-dir dataDir} with only {@code env} among the
     * {@code UPLOADKIT_*} variables, and waits up to 60 s for it to listen.
     *
     * @param launch what follows the JVM options: {@code -jar uploadkit-standalone.jar}, or {@code -cp … main}
     */
    static ForkedServer start(List<String> jvmArgs, List<String> launch, Path dataDir, Map<String, String> env)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(launch);
        command.addAll(List.of("--port", "0", "--data-dir", dataDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("UPLOADKIT_"));
        pb.environment().putAll(env);
        Process process = pb.start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone; nothing more to read
            }
        }, "forked-server-output");
        reader.setDaemon(true);
        reader.start();
        String key = null;
        List<String> seen = new ArrayList<>();
        while (true) {
            String line = lines.poll(60, TimeUnit.SECONDS);
            if (line == null) {
                process.destroyForcibly();
                throw new IllegalStateException("the server did not listen within 60 s; it printed:\n"
                        + String.join("\n", seen));
            }
            seen.add(line);
            if (line.startsWith(KEY_LINE)) {
                key = line.substring(KEY_LINE.length());
            } else if (line.startsWith(LISTENING_LINE)) {
                return new ForkedServer(process, line.substring(LISTENING_LINE.length()), key, lines, seen);
            }
        }
    }

    /** Starts the server from this JVM's own class path (the module's classes and their dependencies). */
    static ForkedServer fromClassPath(Path dataDir, Map<String, String> env) throws IOException, InterruptedException {
        return start(List.of("-Xmx256m"), List.of("-cp", System.getProperty("java.class.path"),
                StandaloneServer.class.getName()), dataDir, env);
    }

    /** Returns the API's base URL, e.g. {@code http://127.0.0.1:40123/v1/external}. */
    String baseUrl() {
        return baseUrl;
    }

    /** Returns the admin key printed on this start, or null if none was printed. */
    String printedKey() {
        return printedKey;
    }

    /** Returns every line the server has printed so far. */
    synchronized List<String> output() {
        unread.drainTo(output);
        return List.copyOf(output);
    }

    /** Returns the lines printed so far at WARN or ERROR level. */
    List<String> warnings() {
        return output().stream().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).toList();
    }

    Process process() {
        return process;
    }

    /** Stops the JVM gracefully (SIGTERM: the shutdown hook closes the server) and waits for it to be gone. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server did not stop within 60 s of SIGTERM");
        }
    }

    /** Kills the JVM at once (SIGKILL: no shutdown hook runs) and waits for it to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server did not die within 30 s of SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
