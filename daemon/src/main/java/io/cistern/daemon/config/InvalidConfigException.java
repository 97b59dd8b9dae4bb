package io.cistern.daemon.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that is not applied, with everything wrong in it; the message has one problem per line. */
public final class InvalidConfigException extends RuntimeException {
    private final List<ConfigProblem> problems;

    public InvalidConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
