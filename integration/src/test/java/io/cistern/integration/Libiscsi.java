package io.cistern.integration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** libiscsi's clients: the conformance suite through scripts/conformance.sh, and iscsi-inq. */
public final class Libiscsi {
    /** Bound for a whole conformance run; the script's own budget (TOTAL_BUDGET) is below it. */
    public static final Duration CONFORMANCE_LIMIT = Duration.ofMinutes(15);

    private Libiscsi() {
    }

    /**
     * Runs {@code scripts/conformance.sh <url> <outDir>} (every ALL.* suite, -d) and returns its verdicts.
     * Exit status 0 and 1 both mean "ran" (1: some test failed); anything else is an error.
     */
    public static ConformanceResult conformance(IscsiUrl url, Path outDir) throws IOException, InterruptedException {
        Exec.Result r = Exec.run(CONFORMANCE_LIMIT, Map.of("TOTAL_BUDGET", "780"),
                List.of(RepoPaths.script("conformance.sh").toString(), url.libiscsi(), outDir.toString()));
        if (r.exitCode() != 0 && r.exitCode() != 1) {
            throw new IllegalStateException("conformance run did not complete: " + r.describe());
        }
        Path tsv = outDir.resolve("results.tsv");
        if (!Files.isRegularFile(tsv)) {
            throw new IllegalStateException("conformance.sh wrote no results.tsv: " + r.describe());
        }
        return ConformanceResult.read(tsv, outDir.resolve("summary.md"));
    }

    /** {@code iscsi-inq URL}: logs in (with the URL's CHAP, mutual included) and sends a standard INQUIRY. */
    public static Exec.Result inquiry(IscsiUrl url) throws IOException, InterruptedException {
        return Exec.run(Duration.ofSeconds(20), "iscsi-inq", url.libiscsi());
    }
}
