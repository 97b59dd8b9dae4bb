package io.cistern.integration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external client with {@code timeout} in front of it and a second, JVM-side bound, capturing
 * its combined output. Nothing here can wait forever.
 */
public final class Exec {
    private Exec() {
    }

    /** Exit status and combined stdout+stderr of one finished command. */
    public record Result(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Throws with the command and its output unless it exited 0. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException(describe());
            }
            return this;
        }

        public String describe() {
            return String.join(" ", command) + " -> exit " + exitCode + "\n" + output;
        }
    }

    public static Result run(Duration limit, String... command) throws IOException, InterruptedException {
        return run(limit, Map.of(), List.of(command));
    }

    /**
     * Runs {@code timeout -k 5 <limit> command...} with extra environment variables and stdin closed.
     * Exit status 124 or 137 means the command timed out.
     */
    public static Result run(Duration limit, Map<String, String> env, List<String> command)
            throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        full.add("timeout");
        full.add("-k");
        full.add("5");
        full.add(Long.toString(Math.max(1, limit.toSeconds())));
        full.addAll(command);
        Path out = Files.createTempFile("cistern-exec", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(limit.toSeconds() + 20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new Result(full, 137, new String(Files.readAllBytes(out), StandardCharsets.UTF_8) + "\n[killed by the JVM]");
            }
            return new Result(full, p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
