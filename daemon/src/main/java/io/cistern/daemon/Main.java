package io.cistern.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Entry point of {@code bin/cistern}. */
public final class Main {
    private static final String USAGE = "usage: cistern run [--config FILE]";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !args[0].equals("run")) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Config config;
        try {
            config = load(Arrays.copyOfRange(args, 1, args.length));
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println("cistern: " + e.getMessage());
            System.exit(1);
            return;
        }
        int status;
        try {
            status = Service.run(config);
        } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("cistern: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    /** The configuration: a file given with --config, or the embedded default; reference.conf under it. */
    static Config load(String[] options) {
        Config chosen;
        if (options.length == 0) {
            chosen = ConfigFactory.parseResources("default.conf", ConfigParseOptions.defaults().setAllowMissing(false));
        } else if (options.length == 2 && options[0].equals("--config")) {
            Path file = Path.of(options[1]);
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read config file " + file);
            }
            chosen = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } else {
            throw new IllegalArgumentException(USAGE);
        }
        return ConfigFactory.defaultOverrides().withFallback(chosen).withFallback(ConfigFactory.defaultReference())
                .resolve();
    }
}
