package io.cistern.integration;

import io.cistern.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code bin/cistern}'s management commands, run in this JVM against a running daemon's API with its token file. */
record CisternCli(URI api, Path tokenFile) {
    record Result(int status, String out, String err) {
        /** Its standard output; fails with everything it printed unless it exited 0. */
        String ok() {
            if (status != 0) {
                throw new IllegalStateException("cistern exited " + status + ":\n" + out + err);
            }
            return out;
        }
    }

    Result run(String... args) {
        List<String> line = new ArrayList<>(List.of("--url", api.toString(), "--token-file", tokenFile.toString()));
        line.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Cli.run(line, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), Clock.systemDefaultZone(),
                Duration.ofMillis(100));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code cistern ARGS...} split on spaces: the standard output of a command that must succeed. */
    String ok(String line) {
        return run(line.split(" ")).ok();
    }
}
