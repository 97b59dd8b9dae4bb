package io.cistern.daemon.command;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.cistern.daemon.Daemon;
import io.cistern.daemon.Logging;
import io.cistern.daemon.config.ConfigLoader;
import io.cistern.daemon.config.ConfigValidator;
import io.cistern.daemon.config.InvalidConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code cistern run [--config FILE]}: validates the configuration, refuses to start on any problem
 * (nothing created, nothing bound), else runs the appliance until SIGTERM.
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
        Daemon daemon;
        try {
            Config config = ConfigValidator.valid(ConfigLoader.load(file));
            Logging.apply(config.getConfig("cistern.logging"));
            daemon = Daemon.start(config);
        } catch (InvalidConfigException e) {
            err.println(e.getMessage());
            err.println("cistern: not started: " + e.problems().size() + " configuration problem(s)");
            return FAILED;
        } catch (IOException | UncheckedIOException | ConfigException | IllegalArgumentException | IllegalStateException e) {
            err.println("cistern: not started: " + e.getMessage());
            return FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }
}
