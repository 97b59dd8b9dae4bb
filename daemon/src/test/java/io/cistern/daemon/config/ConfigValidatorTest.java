package io.cistern.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken configurations: each problem names the file, the line and the key path. */
class ConfigValidatorTest {
    /** A valid target to build broken ones from: {@code %s} is where a test adds to its first LUN. */
    private static final String TARGET = """
            cistern {
              data-dir = "DATA"
              targets {
                web {
                  iqn = "iqn.2026-11.com.example:web"
                  portals = ["127.0.0.1:3260"]
                  luns = [
                    { lun = 0, file = "web.img", size = 1G %s}
                  ]
                }
              }
            }
            """;

    @TempDir
    Path dir;
    private ConfigFiles files;

    @BeforeEach
    void setUp() {
        files = new ConfigFiles(dir);
    }

    @Test
    void theExampleForAStorageBoxIsValid() {
        Path example = Path.of("..", "config", "cistern.conf");
        assertTrue(Files.isRegularFile(example), "config/cistern.conf is missing");
        // Its data-dir is /var/lib/cistern; what exists there must not decide whether the example is valid.
        Config config = ConfigLoader.load(Optional.of(example))
                .withValue("cistern.data-dir", ConfigValueFactory.fromAnyRef(files.data().toString()));
        assertEquals(List.of(), ConfigValidator.problems(config));
    }

    @Test
    void theEmbeddedDefaultAndTheReferenceAloneAreValid() {
        assertEquals(List.of(), ConfigValidator.problems(ConfigLoader.load(Optional.empty())));
        assertEquals(List.of(), ConfigValidator.problems(ConfigFactory.defaultReference()));
    }

    @Test
    void aTypoInATopLevelKeyIsRefused() {
        Path file = files.write("top.conf", "cistern {\n  data-dir = \"DATA\"\n  target { }\n}\ncistren { }\n");
        List<String> problems = ConfigFiles.problems(file);
        assertEquals(List.of(file + ":3: cistern.target: unknown key (did you mean targets?)",
                file + ":5: cistren: unknown key; Cistern reads only the `cistern` section"), problems);
    }

    @Test
    void aTypoDeepInsideATargetsLunIsRefused() {
        Path file = files.write("lun.conf", TARGET.formatted(", read-onyl = true "));
        assertEquals(List.of(file + ":8: cistern.targets.web.luns[0].read-onyl: unknown key (did you mean read-only?)"),
                ConfigFiles.problems(file));
    }

    @Test
    void aTypoInAPoolsVolumeAndInChapIsRefused() {
        Path file = files.write("vol.conf", """
                cistern {
                  data-dir = "DATA"
                  pools { tank { file = "tank.pool", size = 1G, volumes { vm1 { size = 64M, volblocksiz = 8K } } } }
                  targets.web { iqn = "iqn.2026-11.com.example:web", portals = ["127.0.0.1:3260"]
                    chap { user = "u", secret = "twelve-chars", mutal-secret = "x" } }
                }
                """);
        assertEquals(List.of(
                file + ":3: cistern.pools.tank.volumes.vm1.volblocksiz: unknown key (did you mean volblocksize?)",
                file + ":5: cistern.targets.web.chap.mutal-secret: unknown key (did you mean mutual-secret?)"),
                ConfigFiles.problems(file));
    }

    @Test
    void aBadSizeIsNamed() {
        Path file = files.write("size.conf", TARGET.formatted("").replace("size = 1G", "size = 1Q"));
        assertEquals(List.of(file + ":8: cistern.targets.web.luns[0].size: expected a size such as 512, 64K, 20G or 1T, "
                + "not \"1Q\""), ConfigFiles.problems(file));
        Path negative = files.write("negative.conf", "cistern.iscsi.max-write-length = -4K\n");
        assertEquals(List.of(negative + ":1: cistern.iscsi.max-write-length: expected a size such as 512, 64K, 20G or 1T, "
                + "not \"-4K\""), ConfigFiles.problems(negative));
    }

    /** The caches document 0 (none, the smallest); other sizes must be positive; dedup-cache has its bound. */
    @Test
    void zeroIsASizeOnlyWhereItMeansSomething() {
        Path ok = files.write("zero.conf", "cistern.pools.p { file = p.img, size = 1G, map-cache = 0, dedup-cache = 0, write-back = 0 }\n");
        assertEquals(List.of(), ConfigFiles.problems(ok));
        Path bad = files.write("bad.conf", "cistern.pools.p { file = p.img, size = 1G, metadata-cache = 0, dedup-cache = 32G, "
                + "write-back = 65G }\n");
        assertEquals(List.of(bad + ":1: cistern.pools.p.dedup-cache: must be from 0 to 17179869184 bytes, not 34359738368",
                bad + ":1: cistern.pools.p.metadata-cache: a size must be positive, not 0",
                bad + ":1: cistern.pools.p.write-back: must be from 0 to 68719476736 bytes, not 69793218560"),
                ConfigFiles.problems(bad));
    }

    @Test
    void aDuplicateLunNumberNamesBoth() {
        Path file = files.write("dup.conf", TARGET.formatted("}\n      { lun = 0, file = \"b.img\", size = 1G "));
        assertEquals(List.of(file + ":9: cistern.targets.web.luns[1].lun: LUN 0 twice in target web (also at "
                + file + ":8)"), ConfigFiles.problems(file));
    }

    @Test
    void aWrongIqnIsNamed() {
        Path file = files.write("iqn.conf", TARGET.formatted("").replace("iqn.2026-11.com.example:web", "iqn.2026-13.com.example:web"));
        assertEquals(List.of(file + ":5: cistern.targets.web.iqn: month 13 in the date of an iqn. name is not 01 to 12"),
                ConfigFiles.problems(file));
    }

    @Test
    void twoTargetsWithOneNameAreRefused() {
        Path file = files.write("twice.conf", """
                cistern.targets {
                  a { iqn = "iqn.2026-11.com.example:x", portals = ["127.0.0.1:3260"] }
                  b { iqn = "iqn.2026-11.com.example:x", portals = ["127.0.0.1:3261"] }
                }
                """);
        assertEquals(List.of(file + ":3: cistern.targets.b.iqn: iqn.2026-11.com.example:x is already the name of "
                + "target a (" + file + ":2)"), ConfigFiles.problems(file));
    }

    @Test
    void aShortChapSecretAndAMutualSecretEqualToItAreRefused() {
        Path file = files.write("chap.conf", TARGET.formatted("").replace("luns", """
                chap {
                  user = "alice"
                  secret = "too-short"
                }
                luns"""));
        assertEquals(List.of(file + ":9: cistern.targets.web.chap.secret: is 9 characters; initiators require a CHAP "
                + "secret of 12 to 16"), ConfigFiles.problems(file));
        Path mutual = files.write("mutual.conf", TARGET.formatted("").replace("luns", """
                chap { user = "alice", secret = "twelve-chars", mutual-user = "target" }
                luns"""));
        assertEquals(List.of(mutual + ":7: cistern.targets.web.chap.mutual-secret: missing: mutual-user needs "
                + "mutual-secret, the secret the target answers with"), ConfigFiles.problems(mutual));
        Path same = files.write("same.conf", TARGET.formatted("").replace("luns", """
                chap { user = "alice", secret = "twelve-chars", mutual-user = "t", mutual-secret = "twelve-chars" }
                luns"""));
        assertTrue(ConfigFiles.problems(same).get(0).startsWith(same + ":7: cistern.targets.web.chap.mutual-secret: "
                + "must differ from secret"), ConfigFiles.problems(same).toString());
    }

    @Test
    void aFileThatIsNotHoconIsReportedAtItsLine() {
        Path file = files.write("xml.conf", "cistern {\n  data-dir = \"x\"\n}\n<configuration>\n</configuration>\n");
        List<String> problems = ConfigFiles.problems(file);
        assertEquals(1, problems.size());
        // HOCON sees the error where the second line cannot follow the first.
        assertTrue(problems.get(0).startsWith(file + ":5: Key '<configuration>' may not be followed"), problems.get(0));
    }

    @Test
    void includesAreRelativeToTheIncludingFileAndAMissingOneIsAnError() throws Exception {
        Files.createDirectories(dir.resolve("conf.d"));
        files.write("conf.d/targets.conf", "cistern.targets.web { iqn = \"iqn.2026-11.com.example:web\"\n"
                + "  portals = [\"127.0.0.1:3260\"], luns = [ { lun = 0, file = \"web.img\", size = 1Q } ] }\n");
        Path main = files.write("main.conf", "cistern.data-dir = \"DATA\"\ninclude \"conf.d/targets.conf\"\n");
        // The problem is in the included file, at its own line.
        assertEquals(List.of(dir.resolve("conf.d/targets.conf") + ":2: cistern.targets.web.luns[0].size: expected a size "
                + "such as 512, 64K, 20G or 1T, not \"1Q\""), ConfigFiles.problems(main));

        Path typo = files.write("typo.conf", "cistern.data-dir = \"DATA\"\n\ninclude \"conf.d/target.conf\"\n");
        List<String> problems = ConfigFiles.problems(typo);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith(typo + ":3: include \"conf.d/target.conf\": no such file"), problems.get(0));
    }

    @Test
    void everyProblemIsReportedAtOnceInFileOrder() {
        Path file = files.write("many.conf", """
                cistern {
                  data-dir = "DATA"
                  iscsi { queue-depht = 64, first-burst-length = 2M }
                  pools { tank { file = "tank.pool", size = 1G, volumes {
                    a { size = 800M, sparse = false }
                    b { size = 400M, sparse = false }
                    c { size = 10T }
                  } } }
                  targets.web {
                    iqn = "iqn.2026-11.com.example:web"
                    portals = ["127.0.0.1:99999", "::1:3260"]
                    luns = [ { lun = 0, volume = "tank/a" }, { lun = 1, volume = "tank/nope" }, { lun = 2, volume = "pond/x" } ]
                  }
                }
                """);
        assertEquals(List.of(
                file + ":3: cistern.iscsi.first-burst-length: must not exceed max-burst-length (1048576)",
                file + ":3: cistern.iscsi.queue-depht: unknown key (did you mean queue-depth?)",
                file + ":6: cistern.pools.tank.volumes.b.size: does not fit: pool tank is 1073741824 bytes and its "
                        + "reserved volumes need 1258291200 (sparse = true would not reserve it)",
                file + ":11: cistern.targets.web.portals[0]: port \"99999\" is not a number from 1 to 65535",
                file + ":11: cistern.targets.web.portals[1]: an IPv6 address goes in brackets: [::1]:3260",
                file + ":12: cistern.targets.web.luns[1].volume: no volume nope in pools.tank.volumes, and pool tank "
                        + "is created at this start, so nothing made with the CLI can be it either",
                file + ":12: cistern.targets.web.luns[2].volume: no pool pond in pools"), ConfigFiles.problems(file));
    }

    @Test
    void aVolumeNotDeclaredIsPlausibleInAPoolThatExists() throws Exception {
        Path file = files.write("cli.conf", """
                cistern {
                  data-dir = "DATA"
                  pools.tank { file = "tank.pool", size = 1G }
                  targets.web { iqn = "iqn.2026-11.com.example:web", portals = ["[::1]:3260"]
                    luns = [ { lun = 0, volume = "tank/made-with-cli" }, { lun = 1, volume = "tank/vm@snap1" } ] }
                }
                """);
        assertEquals(2, ConfigFiles.problems(file).size());
        Files.createDirectories(files.data().resolve("tank.meta"));
        Files.writeString(files.data().resolve("tank.pool"), "");
        assertEquals(List.of(), ConfigFiles.problems(file));
    }

    @Test
    void aPoolNeedsExactlyOneOfFileAndDeviceAndANewOneASize() {
        Path file = files.write("pool.conf", """
                cistern {
                  data-dir = "DATA"
                  pools {
                    both { file = "a.pool", device = "/dev/null", size = 1G }
                    sizeless { file = "b.pool", soft-threshold-percent = 0 }
                    thick { device = "/dev/null", preallocate = true }
                  }
                }
                """);
        assertEquals(List.of(
                file + ":4: cistern.pools.both: a pool needs exactly one of file (under data-dir) and device (a whole "
                        + "block device)",
                file + ":5: cistern.pools.sizeless.size: missing: the size of the new pool file "
                        + files.data().resolve("b.pool"),
                file + ":5: cistern.pools.sizeless.soft-threshold-percent: must be from 1 to 100, not 0",
                file + ":6: cistern.pools.thick.preallocate: is for a file pool: a block device's space is all there"),
                ConfigFiles.problems(file));
    }

    @Test
    void typesComeFromTheDefaultsInReferenceConf() {
        Path file = files.write("types.conf", """
                cistern.iscsi { queue-depth = 1.5, immediate-data = maybe, nop-in-interval = 5 parsecs }
                cistern.iscsi.header-digests = CRC32C
                """);
        assertEquals(List.of(
                file + ":1: cistern.iscsi.immediate-data: expected true or false, not \"maybe\"",
                file + ":1: cistern.iscsi.nop-in-interval: expected a duration such as 500ms, 5s or 2m, not \"5 parsecs\"",
                file + ":1: cistern.iscsi.queue-depth: expected a whole number, not 1.5",
                file + ":2: cistern.iscsi.header-digests: expected a list [ ... ], not \"CRC32C\""),
                ConfigFiles.problems(file));
    }
}
