package dev.uploadkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs curl against 127.0.0.1 and returns the status, curl's own average upload speed and the answer. */
final class Curl {
    private Curl() {
    }

    record Result(int status, double bytesPerSecond, String body) {
        double mibPerSecond() {
            return bytesPerSecond / 1048576.0;
        }
    }

    /** Runs {@code curl -sS <args>}; fails unless curl succeeded and the server answered 2xx. */
    static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--noproxy", "*",
                "-w", "\n%{http_code} %{speed_upload}"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        int lastLine = out.lastIndexOf('\n');
        String[] figures = out.substring(lastLine + 1).trim().split(" ");
        int status = figures[0].matches("\\d+") ? Integer.parseInt(figures[0]) : 0;
        if (exit != 0 || status / 100 != 2) {
            throw new IllegalStateException("curl " + String.join(" ", args) + " failed: exit " + exit + ", HTTP "
                    + status + ", " + out.substring(0, Math.max(0, lastLine)));
        }
        return new Result(status, Double.parseDouble(figures[1]), out.substring(0, Math.max(0, lastLine)));
    }
}
