package io.cistern.cli;

import io.cistern.cli.api.ApiClient;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;

/**
 * What a command works with: its output streams (and whether the standard output is a terminal, where a
 * long wait shows its progress), the API, and the clock (for times printed in the local zone, estimates
 * and waits), all given so that tests can run commands in process.
 */
public record Context(PrintStream out, PrintStream err, boolean terminal, ApiClient api, Clock clock,
        Duration pollInterval) {
    /** Waits one poll interval (scrub -w, destroy). */
    public void pause() {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }
}
