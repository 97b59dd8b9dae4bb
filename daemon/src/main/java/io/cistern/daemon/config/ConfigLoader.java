package io.cistern.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads the configuration: a file given with {@code --config} (or the embedded {@code default.conf}),
 * with environment overrides ({@code CONFIG_FORCE_...}) over it and reference.conf under it. A file
 * that cannot be read or parsed is reported like any other problem, with its file and line.
 */
public final class ConfigLoader {
    static final String EMBEDDED_DEFAULT = "default.conf";

    private ConfigLoader() {
    }

    /** @throws InvalidConfigException if the file cannot be read, parsed or resolved */
    public static Config load(Optional<Path> file) {
        try {
            Config chosen = file.isPresent() ? parse(file.get())
                    : ConfigFactory.parseResources(EMBEDDED_DEFAULT, ConfigParseOptions.defaults().setAllowMissing(false));
            return ConfigFactory.systemEnvironmentOverrides().withFallback(chosen)
                    .withFallback(ConfigFactory.defaultReference()).resolve();
        } catch (ConfigException e) {
            throw new InvalidConfigException(List.of(problem(e, file)));
        }
    }

    private static Config parse(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            String why = Files.isDirectory(file) ? "is a directory" : Files.exists(file) ? "cannot be read" : "no such file";
            throw new InvalidConfigException(List.of(new ConfigProblem(file.toString(), 0, "", why)));
        }
        // HOCON resolves relative includes against the including file's directory, which a bare name lacks.
        Path named = file.getParent() == null ? Path.of(".").resolve(file) : file;
        return ConfigFactory.parseFile(named.toFile(),
                ConfigParseOptions.defaults().setAllowMissing(false).setIncluder(new RequiredIncluder(named)));
    }

    private static ConfigProblem problem(ConfigException e, Optional<Path> file) {
        ConfigOrigin origin = e.origin();
        String message = e.getMessage();
        if (origin == null) {
            return new ConfigProblem(file.map(Path::toString).orElse(EMBEDDED_DEFAULT), 0, "", message);
        }
        if (message.startsWith(origin.description() + ": ")) {
            message = message.substring(origin.description().length() + 2);
        }
        return ConfigProblem.at(origin, "", message);
    }
}
