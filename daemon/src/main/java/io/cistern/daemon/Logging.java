package io.cistern.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.typesafe.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the {@code cistern.logging} section to logback: Cistern's level, and the libraries' under it. */
public final class Logging {
    private Logging() {
    }

    /** @param logging a validated {@code cistern.logging} section */
    public static void apply(Config logging) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(logging.getString("library-level")));
            context.getLogger("io.cistern").setLevel(Level.toLevel(logging.getString("level")));
        }
    }
}
