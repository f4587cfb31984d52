package dev.uploadkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The standalone jar running in its own JVM on 127.0.0.1 and a free port, with its admin key. */
final class UploadkitProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Uploadkit listening on (http://127\\.0\\.0\\.1:(\\d+)\\S*)");
    private static final Pattern ADMIN_KEY = Pattern.compile("Admin API key: (\\S+)");

    private final SpawnedJvm jvm;
    private final String baseUrl;
    private final int port;
    private final String adminKey;

    private UploadkitProcess(SpawnedJvm jvm, String baseUrl, int port, String adminKey) {
        this.jvm = jvm;
        this.baseUrl = baseUrl;
        this.port = port;
        this.adminKey = adminKey;
    }

    /**
     * Starts {@code java <jvmOptions> -jar jar --port 0 --data-dir dataDir <serverArgs>}. The admin key is the
     * one printed on first start, else {@code knownKey} (a restart prints none).
     */
    static UploadkitProcess start(String name, Path jar, List<String> jvmOptions, Path dataDir, List<String> serverArgs,
                                  Optional<String> knownKey, Path log) throws IOException {
        return start(name, jar, jvmOptions, dataDir, serverArgs, knownKey, log, Map.of());
    }

    /** As {@link #start(String, Path, List, Path, List, Optional, Path)}, with extra environment variables. */
    static UploadkitProcess start(String name, Path jar, List<String> jvmOptions, Path dataDir, List<String> serverArgs,
                                  Optional<String> knownKey, Path log, Map<String, String> env) throws IOException {
        List<String> program = new ArrayList<>(List.of("-jar", jar.toString(), "--port", "0",
                "--data-dir", dataDir.toString()));
        program.addAll(serverArgs);
        SpawnedJvm jvm = SpawnedJvm.start(name, jvmOptions, program, env, log);
        try {
            Matcher listening = jvm.await(LISTENING);
            Matcher key = ADMIN_KEY.matcher(Files.readString(log));
            String adminKey = key.find() ? key.group(1) : knownKey.orElseThrow(
                    () -> new IllegalStateException(name + " printed no admin key and none is known; see " + log));
            return new UploadkitProcess(jvm, listening.group(1), Integer.parseInt(listening.group(2)), adminKey);
        } catch (IOException | RuntimeException e) {
            closeQuietly(jvm, e);
            throw e;
        }
    }

    private static void closeQuietly(SpawnedJvm jvm, Exception failure) {
        try {
            jvm.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(e);
        }
    }

    /** Returns the API's base URL, e.g. {@code http://127.0.0.1:41234/v1/external}. */
    String baseUrl() {
        return baseUrl;
    }

    /** Returns the path part of {@link #baseUrl()}, e.g. {@code /v1/external}. */
    String mount() {
        return baseUrl.substring(baseUrl.indexOf('/', "http://".length()));
    }

    int port() {
        return port;
    }

    String adminKey() {
        return adminKey;
    }

    SpawnedJvm jvm() {
        return jvm;
    }

    @Override
    public void close() throws InterruptedException {
        jvm.close();
    }
}
