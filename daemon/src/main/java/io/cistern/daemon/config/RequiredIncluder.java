package io.cistern.daemon.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOriginFactory;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Includes that must exist. HOCON skips an include it cannot find, so a misspelt file name would
 * silently drop part of a configuration; here it is an error at the line of the include. Relative
 * names are resolved next to the including file, as HOCON does.
 */
final class RequiredIncluder implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
    private final ConfigIncluder fallback;
    /** The files being parsed, innermost first: the including file of an include is the head. */
    private final Deque<Path> parsing;

    RequiredIncluder(Path file) {
        this(null, new ArrayDeque<>(List.of(file)));
    }

    private RequiredIncluder(ConfigIncluder fallback, Deque<Path> parsing) {
        this.fallback = fallback;
        this.parsing = parsing;
    }

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
        return new RequiredIncluder(fallback, parsing);
    }

    /** {@code include "name"}: a file next to the including one, with .conf, .json or .properties if it has no extension. */
    @Override
    public ConfigObject include(ConfigIncludeContext context, String name) {
        Path dir = parsing.peek().toAbsolutePath().getParent();
        for (String candidate : name.contains(".") ? List.of(name) : List.of(name + ".conf", name + ".json",
                name + ".properties")) {
            if (Files.isRegularFile(dir.resolve(candidate))) {
                return parsing(dir.resolve(candidate), () -> fallback.include(strict(context), name));
            }
        }
        throw missing(name, dir.resolve(name));
    }

    /** {@code include file("path")}: relative to the working directory, as HOCON says. */
    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File file) {
        if (!file.isFile()) {
            throw missing(file.getPath(), file.toPath().toAbsolutePath());
        }
        return parsing(file.toPath(), () -> ((ConfigIncluderFile) fallback).includeFile(strict(context), file));
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL url) {
        return ((ConfigIncluderURL) fallback).includeURL(strict(context), url);
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String resource) {
        return ((ConfigIncluderClasspath) fallback).includeResources(strict(context), resource);
    }

    private ConfigObject parsing(Path file, java.util.function.Supplier<ConfigObject> parse) {
        parsing.push(file);
        try {
            return parse.get();
        } finally {
            parsing.pop();
        }
    }

    private static ConfigIncludeContext strict(ConfigIncludeContext context) {
        return context.setParseOptions(context.parseOptions().setAllowMissing(false));
    }

    /** An error at the line of the including file that names {@code name}. */
    private ConfigException missing(String name, Path looked) {
        Path including = parsing.peek();
        int line = -1;
        try {
            List<String> lines = Files.readAllLines(including);
            for (int i = 0; i < lines.size() && line < 0; i++) {
                if (lines.get(i).contains("include") && lines.get(i).contains(name)) {
                    line = i + 1;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // the line stays unknown; the message still names the file
        }
        var origin = ConfigOriginFactory.newFile(including.toString());
        return new ConfigException.IO(line > 0 ? origin.withLineNumber(line) : origin,
                "include \"" + name + "\": no such file (" + looked + ")");
    }
}
