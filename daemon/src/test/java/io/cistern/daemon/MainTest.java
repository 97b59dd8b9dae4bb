package io.cistern.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/cistern check} and {@code run}'s refusal, through Main's dispatch, with their exit statuses. */
class MainTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int main(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void checkOfAValidFileSaysSoAndExits0() {
        Path example = Path.of("..", "config", "cistern.conf");
        assertEquals(0, main("check", "--config", example.toString()), err());
        assertEquals(example + ": configuration OK\n", out());
        assertEquals(0, main("check"), err());
    }

    @Test
    void checkOfABrokenFileListsEveryProblemAndExits1() throws Exception {
        Path file = dir.resolve("broken.conf");
        Files.writeString(file, "cistern {\n  iscsi.queue-depth = 0\n  data-dri = \"x\"\n}\n");
        assertEquals(1, main("check", "--config", file.toString()));
        assertEquals(file + ":2: cistern.iscsi.queue-depth: must be from 1 to 65535, not 0\n"
                + file + ":3: cistern.data-dri: unknown key (did you mean data-dir?)\n"
                + file + ": 2 problems\n", err());
        assertEquals("", out());
        assertEquals(1, main("check", "--config", dir.resolve("absent.conf").toString()));
        assertTrue(err().contains(dir.resolve("absent.conf") + ": no such file"), err());
    }

    @Test
    void usageErrorsExit2() {
        assertEquals(2, main());
        assertTrue(err().startsWith("usage: cistern run [--config FILE]\n"), err());
        assertEquals(2, main("chekc"));
        assertEquals(2, main("check", "--config"));
        assertEquals(2, main("check", "--verbose"));
        assertEquals(2, main("run", "extra"));
    }

    @Test
    void runRefusesAnInvalidConfigurationBeforeCreatingAnything() throws Exception {
        Path data = dir.resolve("data");
        Path file = dir.resolve("run.conf");
        Files.writeString(file, "cistern {\n  data-dir = \"" + data + "\"\n"
                + "  pools.tank { file = \"tank.pool\", size = 64M, volumes.v { size = 16M } }\n"
                + "  targets.t { iqn = \"iqn.2026-11.com.example:t\", portals = [\"127.0.0.1:3260\"]\n"
                + "    luns = [ { lun = 0, volume = \"tank/v\" }, { lun = 0, file = \"f.img\", size = 1G } ] }\n}\n");
        assertEquals(1, main("run", "--config", file.toString()));
        assertTrue(err().startsWith(file + ":5: cistern.targets.t.luns[1].lun: LUN 0 twice in target t"), err());
        assertFalse(Files.exists(data), "nothing may be created from an invalid configuration");
    }

    /** Environment overrides are read by the real process: run one with a bad override. */
    @Test
    void aBadEnvironmentOverrideIsReportedAsComingFromTheEnvironment() throws Exception {
        Path example = Path.of("..", "config", "cistern.conf").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "check", "--config",
                example.toString());
        pb.environment().put("CONFIG_FORCE_cistern_iscsi_queue__depth", "lots");
        pb.environment().put("CONFIG_FORCE_cistern_data__dir", dir.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "check did not finish");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), output);
        assertEquals(List.of("environment CONFIG_FORCE_cistern_iscsi_queue__depth: cistern.iscsi.queue-depth: "
                + "expected a whole number, not \"lots\"", example + ": 1 problem"), output.lines().toList());
    }
}
