package io.cistern.daemon.command;

import com.typesafe.config.Config;
import io.cistern.daemon.Service;
import io.cistern.daemon.config.ConfigLoader;
import io.cistern.daemon.config.ConfigValidator;
import io.cistern.daemon.config.InvalidConfigException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code cistern run [--config FILE]}: validates the configuration, refuses to start on any problem
 * (nothing created, nothing bound), else runs the appliance as a service until SIGTERM ({@link Service}).
 */
public final class RunCommand implements Command {
    @Override
    public String usage() {
        return "run " + ConfigOption.USAGE;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Optional<Path> file;
        try {
            file = ConfigOption.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("cistern run: " + e.getMessage() + "\nusage: cistern " + usage());
            return USAGE;
        }
        Config config;
        try {
            config = ConfigValidator.valid(ConfigLoader.load(file));
        } catch (InvalidConfigException e) {
            err.println(e.getMessage());
            err.println("cistern: not started: " + e.problems().size() + " configuration problem(s)");
            return FAILED;
        }
        try {
            // SIGHUP reads the file again; Daemon.reload validates it and applies nothing on any problem.
            return Service.run(config, () -> ConfigLoader.load(file));
        } catch (InvalidConfigException e) {
            err.println(e.getMessage());
            return FAILED;
        } catch (Exception e) {
            err.println("cistern: not started: " + e.getMessage());
            return FAILED;
        }
    }
}
