package io.cistern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.daemon.config.ConfigLoader;
import io.cistern.daemon.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@link Daemon#reload()} reads the file it was started from again, as SIGHUP and {@code cistern reload}
 * do: the logging levels are applied with the rest, and an invalid file changes nothing.
 */
class DaemonReloadTest {
    @TempDir
    Path dir;

    @AfterEach
    void restoreTheDefaults() {
        Logging.apply(com.typesafe.config.ConfigFactory.defaultReference().getConfig("cistern.logging"));
    }

    @Test
    void reloadReadsTheFileAgainAndAppliesLoggingLevels() throws Exception {
        Path file = dir.resolve("cistern.conf");
        String base = """
                cistern {
                  data-dir = "%s"
                  api.listen = ["127.0.0.1:0"]
                  pools.tank { file = "tank.pool", size = 32M, volumes { a { size = 4M } %%s } }
                  logging.level = %%s
                }
                """.formatted(dir.resolve("data"));
        Files.writeString(file, base.formatted("", "INFO"));
        Optional<Path> source = Optional.of(file);
        var cistern = LoggerFactory.getLogger("io.cistern.target.session.LoginHandler");
        try (Daemon daemon = Daemon.start(ConfigLoader.load(source), () -> ConfigLoader.load(source))) {
            assertFalse(cistern.isDebugEnabled());
            Files.writeString(file, base.formatted(", b { size = 4M }", "DEBUG"));
            assertEquals(List.of("logging levels changed", "volume created: tank/b"), daemon.reload());
            assertTrue(cistern.isDebugEnabled());
            assertEquals(List.of("a", "b"), daemon.pool("tank").list());

            Files.writeString(file, base.formatted(", c { size = lots }", "WARN"));
            InvalidConfigException e = assertThrows(InvalidConfigException.class, daemon::reload);
            assertTrue(e.getMessage().startsWith(file + ":4: cistern.pools.tank.volumes.c"), e.getMessage());
            assertTrue(cistern.isDebugEnabled(), "an invalid file changes nothing, its logging levels included");
            assertEquals(List.of("a", "b"), daemon.pool("tank").list());
            Files.writeString(file, base.formatted(", b { size = 4M }", "WARN"));
            assertEquals(List.of("logging levels changed"), daemon.reload());
            assertFalse(cistern.isInfoEnabled());
        }
    }
}
