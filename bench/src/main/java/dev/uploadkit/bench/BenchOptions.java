package dev.uploadkit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link UploadSpeedBenchmark}'s settings: {@code --name value} flags first, then {@code -Dbench.name=value}
 * system properties, then the defaults below.
 */
final class BenchOptions {
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("rows", "1,2,7,3,4");
        DEFAULTS.put("warmup", "5");
        DEFAULTS.put("duration", "15");
        DEFAULTS.put("clients", "32");
        DEFAULTS.put("scaling", "1,4,32");
        DEFAULTS.put("small-kib", "4");
        DEFAULTS.put("large-mib", "1024");
        DEFAULTS.put("s3-mib", "512");
        DEFAULTS.put("s3-rounds", "3");
        DEFAULTS.put("durability-uploads", "150");
        DEFAULTS.put("durability-clients", "6");
        DEFAULTS.put("database-url", "");
        DEFAULTS.put("database-user", "");
        DEFAULTS.put("database-password", "");
        DEFAULTS.put("standalone-jar", "examples/standalone/target/uploadkit-standalone.jar");
        DEFAULTS.put("work-dir", "");
        DEFAULTS.put("keep", "false");
        DEFAULTS.put("pairs", "3");
        DEFAULTS.put("server-jvm-options", "");
        DEFAULTS.put("baseline-jar", "");
        DEFAULTS.put("folder-after", "");
    }

    static final String USAGE = """
            Usage: java -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.UploadSpeedBenchmark [options]
              --rows 1,2,7,3,4          which rows to run (1 small uploads, 2 large upload, 7 large upload into an
                                        S3 store, 3 kill -9, 4 seed curl, 5 the rate limiter's cost on small
                                        uploads, 6 --standalone-jar against --baseline-jar on small uploads;
                                        5 and 6 are not in the default; rows run in the order 1 2 7 3 4 5 6)
              --warmup S --duration S   row 1: seconds of warm-up and of measurement per run (5, 15)
              --clients N               row 1: concurrent clients of the side-by-side comparison (32)
              --scaling 1,4,32          row 1: client counts of the Uploadkit-only runs
              --small-kib N             rows 1 and 3: upload size (4)
              --large-mib N             row 2: file size (1024)
              --s3-mib N --s3-rounds N  row 7: file size and rounds on one server (512, 3)
              --durability-uploads N --durability-clients N   row 3 (150, 6)
              --pairs N                 rows 5 and 6: alternating pairs of runs (3)
              --baseline-jar PATH       row 6: the build to compare --standalone-jar with
              --folder-after NAME       row 6: each form sends a folder field after the file, as the seed's
                                        curl does (-F file=@x -F folder=NAME)
              --database-url URL        rows 3 and 5: default H2; jdbc:postgresql:/jdbc:mariadb: get a fresh
                                        schema/database
              --database-user U --database-password P
              --standalone-jar PATH     (examples/standalone/target/uploadkit-standalone.jar)
              --work-dir DIR            files, data dirs and server logs (a new temporary directory)
              --keep true               keep the work dir afterwards
              --server-jvm-options "O"  more JVM options for the Uploadkit servers only, after their -Xmx
                                        (e.g. "-XX:+UseParallelGC"); the baselines keep the defaults
            Every option can also be given as -Dbench.<option>=value.
            """;

    private final Map<String, String> values;

    private BenchOptions(Map<String, String> values) {
        this.values = values;
    }

    static BenchOptions parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        DEFAULTS.forEach((name, fallback) -> values.put(name, System.getProperty("bench." + name, fallback)));
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !DEFAULTS.containsKey(name) || i + 1 == args.length) {
                throw new IllegalArgumentException("bad argument '" + args[i] + "'\n" + USAGE);
            }
            values.put(name, args[++i]);
        }
        return new BenchOptions(values);
    }

    boolean row(int n) {
        return ints("rows").contains(n);
    }

    Duration seconds(String name) {
        return Duration.ofMillis((long) (Double.parseDouble(values.get(name)) * 1000));
    }

    int integer(String name) {
        return Integer.parseInt(values.get(name).trim());
    }

    List<Integer> ints(String name) {
        return Arrays.stream(values.get(name).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Integer::valueOf).toList();
    }

    Optional<String> text(String name) {
        return Optional.of(values.get(name).trim()).filter(s -> !s.isEmpty());
    }

    /** The Uploadkit server's JVM options: {@code xmx}, then those of {@code --server-jvm-options}. */
    List<String> serverJvmOptions(String xmx) {
        List<String> options = new ArrayList<>(List.of(xmx));
        text("server-jvm-options").ifPresent(o -> options.addAll(List.of(o.split("\\s+"))));
        return options;
    }

    boolean keep() {
        return Boolean.parseBoolean(values.get("keep"));
    }

    /** The standalone jar: as given, else next to this benchmark's jar in the source tree. */
    Path standaloneJar() {
        Path given = Path.of(values.get("standalone-jar"));
        if (Files.isRegularFile(given)) {
            return given.toAbsolutePath();
        }
        Path benchJar = Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0]);
        Path sibling = benchJar.toAbsolutePath().getParent().resolve("../../examples/standalone/target")
                .resolve("uploadkit-standalone.jar").normalize();
        if (Files.isRegularFile(sibling)) {
            return sibling;
        }
        throw new IllegalArgumentException("no standalone jar at " + given.toAbsolutePath() + " or " + sibling
                + "; build it (mvn -B -q -pl bench -am package -DskipTests) or pass --standalone-jar");
    }

    /** Row 6's baseline build, {@code --baseline-jar}. */
    Path baselineJar() {
        Path given = text("baseline-jar").map(Path::of).orElseThrow(
                () -> new IllegalArgumentException("row 6 needs --baseline-jar PATH\n" + USAGE));
        if (!Files.isRegularFile(given)) {
            throw new IllegalArgumentException("no baseline jar at " + given.toAbsolutePath());
        }
        return given.toAbsolutePath();
    }

    /** One line listing every setting, for the report. */
    String describe() {
        StringBuilder s = new StringBuilder();
        values.forEach((name, value) -> {
            if (!value.isEmpty() && !name.equals("database-password")) {
                s.append(s.length() == 0 ? "" : " ").append("--").append(name).append(' ').append(value);
            }
        });
        return s.toString();
    }
}
