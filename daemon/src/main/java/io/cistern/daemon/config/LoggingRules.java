package io.cistern.daemon.config;

import java.util.List;

/** The logging section: levels logback knows. */
final class LoggingRules {
    static final List<String> LEVELS = List.of("OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE");

    private LoggingRules() {
    }

    static void check(Section logging) {
        logging.oneOf("level", LEVELS);
        logging.oneOf("library-level", LEVELS);
    }
}
