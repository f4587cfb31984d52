package dev.uploadkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test in its own JVM (the {@code java} this benchmark runs on), so the load generator never
 * shares its heap or garbage collector. Its output goes to a log file, which is polled for the ready line and
 * scanned for warnings at the end.
 */
final class SpawnedJvm implements AutoCloseable {
    /** How long a server may take to print its first line of interest; {@code -Dbench.start-timeout=S} (60 s). */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("bench.start-timeout", 60));
    private static final Pattern PROBLEM = Pattern.compile("\\b(WARN|ERROR|SEVERE)\\b|Exception|Error:");

    private final String name;
    private final Process process;
    private final Path log;

    private SpawnedJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java <jvmOptions> <program>} with extra environment variables, output to {@code log}. */
    static SpawnedJvm start(String name, List<String> jvmOptions, List<String> program, Map<String, String> env,
                            Path log) throws IOException {
        return start(name, Path.of(System.getProperty("java.home"), "bin", "java"), jvmOptions, program, env, log);
    }

    /** The same with another JDK's {@code java}. */
    static SpawnedJvm start(String name, Path java, List<String> jvmOptions, List<String> program,
                            Map<String, String> env, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(program);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return new SpawnedJvm(name, builder.start(), log);
    }

    /** Starts a main class of this benchmark's own jar. */
    static SpawnedJvm startMain(String name, List<String> jvmOptions, Class<?> main, List<String> args, Path log)
            throws IOException {
        List<String> program = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        program.addAll(args);
        return start(name, jvmOptions, program, Map.of(), log);
    }

    /** Waits until the log has a line matching {@code pattern} and returns its match. */
    Matcher await(Pattern pattern) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before printing '"
                        + pattern + "'; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " printed no '" + pattern + "' within " + START_TIMEOUT
                        + "; see " + log);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: the process gets no chance to flush or close anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Asks the server to stop (SIGTERM), and kills it if it has not stopped after 30 seconds. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** Returns the distinct warning and error lines of a server log (at most {@code max}). */
    static List<String> problems(Path log, int max) throws IOException {
        LinkedHashSet<String> lines = new LinkedHashSet<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (PROBLEM.matcher(line).find()) {
                lines.add(line.length() > 240 ? line.substring(0, 240) + "…" : line);
            }
        }
        return lines.stream().limit(max).toList();
    }

    /** Returns how many lines of a server log are warnings or errors. */
    static long problemCount(Path log) throws IOException {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> PROBLEM.matcher(l).find()).count();
        }
    }

    Path log() {
        return log;
    }
}
