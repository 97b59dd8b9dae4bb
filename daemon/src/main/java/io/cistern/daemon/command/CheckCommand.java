package io.cistern.daemon.command;

import io.cistern.daemon.config.ConfigLoader;
import io.cistern.daemon.config.ConfigProblem;
import io.cistern.daemon.config.ConfigValidator;
import io.cistern.daemon.config.InvalidConfigException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code cistern check [--config FILE]}: validates a configuration without applying any of it, as
 * {@code sshd -t} does. Prints every problem and exits 1, or says the configuration is OK and exits 0.
 */
public final class CheckCommand implements Command {
    @Override
    public String usage() {
        return "check " + ConfigOption.USAGE;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Optional<Path> file;
        try {
            file = ConfigOption.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("cistern check: " + e.getMessage() + "\nusage: cistern " + usage());
            return USAGE;
        }
        List<ConfigProblem> problems;
        try {
            problems = ConfigValidator.problems(ConfigLoader.load(file));
        } catch (InvalidConfigException e) {
            problems = e.problems();
        }
        String name = file.map(Path::toString).orElse("embedded default configuration");
        if (problems.isEmpty()) {
            out.println(name + ": configuration OK");
            return OK;
        }
        problems.forEach(err::println);
        err.println(name + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
        return FAILED;
    }
}
