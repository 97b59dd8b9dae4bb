package io.cistern.integration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The verdicts of one libiscsi conformance run, read from the {@code results.tsv} that conformance.sh writes. */
public record ConformanceResult(List<Verdict> verdicts, Path summary) {

    public enum Outcome { PASSED, FAILED, SKIPPED }

    /** One distinct test ({@code ALL.Suite.Test}), its outcome and the reason for a failure or skip. */
    public record Verdict(String test, Outcome outcome, String reason) {
    }

    /** Parses {@code results.tsv}: {@code NAME<TAB>passed|failed|skipped[<TAB>reason]} per line. */
    public static ConformanceResult read(Path resultsTsv, Path summary) throws IOException {
        List<Verdict> verdicts = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(resultsTsv, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", 3);
            if (f.length < 2 || !f[0].startsWith("ALL.")) {
                throw new IOException(resultsTsv + ":" + lineNo + ": malformed line: " + line);
            }
            Outcome outcome = switch (f[1]) {
                case "passed" -> Outcome.PASSED;
                case "failed" -> Outcome.FAILED;
                case "skipped" -> Outcome.SKIPPED;
                default -> throw new IOException(resultsTsv + ":" + lineNo + ": unknown verdict " + f[1]);
            };
            if (!seen.add(f[0])) {
                throw new IOException(resultsTsv + ":" + lineNo + ": test listed twice: " + f[0]);
            }
            verdicts.add(new Verdict(f[0], outcome, f.length > 2 ? f[2] : ""));
        }
        return new ConformanceResult(List.copyOf(verdicts), summary);
    }

    public List<Verdict> with(Outcome outcome) {
        return verdicts.stream().filter(v -> v.outcome() == outcome).toList();
    }

    public int passed() {
        return with(Outcome.PASSED).size();
    }

    public int failed() {
        return with(Outcome.FAILED).size();
    }

    public int skipped() {
        return with(Outcome.SKIPPED).size();
    }

    public Set<String> failedNames() {
        return with(Outcome.FAILED).stream().map(Verdict::test).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Counts and failures, for assertion messages. */
    public String describe() {
        StringBuilder sb = new StringBuilder()
                .append(verdicts.size()).append(" tests: ")
                .append(passed()).append(" passed, ")
                .append(failed()).append(" failed, ")
                .append(skipped()).append(" skipped (").append(summary).append(")");
        for (Verdict v : with(Outcome.FAILED)) {
            sb.append("\n  FAILED ").append(v.test()).append(": ").append(v.reason());
        }
        return sb.toString();
    }
}
