package io.cistern.daemon.config;

import com.typesafe.config.ConfigOrigin;
import java.util.Comparator;

/**
 * One thing wrong with a configuration, printed as {@code file:line: path: problem} (as compilers
 * and {@code sshd -t} do), so that an editor can jump to it.
 *
 * @param where   {@code file:line}, or the environment variable a value came from
 * @param line    the line in {@code where}, for ordering; 0 when unknown
 * @param path    the key path ({@code cistern.targets.web.luns[0].lun}); empty for a file that does not parse
 * @param message what is wrong, and where useful what would be right
 */
public record ConfigProblem(String where, int line, String path, String message) {
    static final Comparator<ConfigProblem> IN_FILE_ORDER = Comparator
            .comparing((ConfigProblem p) -> p.where().replaceFirst(":\\d+$", ""))
            .thenComparingInt(ConfigProblem::line).thenComparing(ConfigProblem::path);

    static ConfigProblem at(ConfigOrigin origin, String path, String message) {
        return new ConfigProblem(where(origin, path), Math.max(0, origin.lineNumber()), path, message);
    }

    /** The file (or resource) and line of {@code origin}; for an environment override, its variable. */
    static String where(ConfigOrigin origin, String path) {
        String place = origin.filename() != null ? origin.filename()
                : origin.resource() != null ? origin.resource()
                : origin.url() != null ? origin.url().toString() : null;
        if (place == null) {
            return origin.description().startsWith("env variables") ? "environment " + EnvOverride.variable(path)
                    : origin.description();
        }
        return origin.lineNumber() > 0 ? place + ":" + origin.lineNumber() : place;
    }

    @Override
    public String toString() {
        return path.isEmpty() ? where + ": " + message : where + ": " + path + ": " + message;
    }
}
