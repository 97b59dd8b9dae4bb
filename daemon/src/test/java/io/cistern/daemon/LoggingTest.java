package io.cistern.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** cistern.logging reaches logback: Cistern's loggers at {@code level}, the libraries at {@code library-level}. */
class LoggingTest {
    private final Logger cistern = LoggerFactory.getLogger("io.cistern.target.session.LoginHandler");
    private final Logger netty = LoggerFactory.getLogger("io.netty.channel.DefaultChannelPipeline");

    @AfterEach
    void restoreTheDefaults() {
        Logging.apply(ConfigFactory.defaultReference().getConfig("cistern.logging"));
    }

    @Test
    void levelsAreApplied() {
        Logging.apply(ConfigFactory.parseString("level = DEBUG, library-level = ERROR"));
        assertTrue(cistern.isDebugEnabled());
        assertFalse(netty.isWarnEnabled());
        Logging.apply(ConfigFactory.parseString("level = warn, library-level = INFO"));
        assertFalse(cistern.isInfoEnabled());
        assertTrue(cistern.isWarnEnabled());
        assertTrue(netty.isInfoEnabled());
    }
}
