package io.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.cli.FakeApi.Result;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Command lines: usage errors (exit 2, nothing sent), help, where the daemon and its token are found. */
class CliTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "list -x                        | invalid option 'x'                      | usage: cistern list [-rHp]",
        "list -o                        | missing argument for 'o' option         | usage: cistern list [-rHp]",
        "list -o name,mountpoint        | bad property list: invalid property 'mountpoint' | usage: cistern list",
        "list -t filesystem             | invalid type 'filesystem': Cistern's datasets are volumes and snapshots | usage: cistern list",
        "list -s bogus                  | invalid property 'bogus' for sorting    | usage: cistern list",
        "create tank/vm1                | missing volume size (-V size)           | usage: cistern create [-s] -V size",
        "create -V 1.5 tank/vm1         | bad size '1.5': a fraction needs a unit (1.5G) | usage: cistern create",
        "create -V 10Q tank/vm1         | bad size '10Q': expected a number with an optional suffix B, K, M, G, T, P or E | usage: cistern create",
        "create -V 1G tank              | 'tank' is not a volume name (POOL/VOLUME) | usage: cistern create",
        "create -V 1G -o volsize=2G t/v | property 'volsize' specified multiple times (it is -V) | usage: cistern create",
        "create -V 1G -o color=red t/v  | invalid property 'color'                | usage: cistern create",
        "create -V 1G t/a t/b           | too many arguments                      | usage: cistern create",
        "snapshot tank/vm1              | 'tank/vm1' is not a snapshot name (POOL/VOLUME@SNAPSHOT) | usage: cistern snapshot",
        "clone tank/vm1@a               | missing arguments                       | usage: cistern clone [-s] snapshot volume",
        "rollback tank/vm1              | 'tank/vm1' is not a snapshot name (POOL/VOLUME@SNAPSHOT) | usage: cistern rollback",
        "rename tank/a tank/b@c         | 'tank/b@c' is not a volume name (POOL/VOLUME) | usage: cistern rename",
        "get                            | missing argument                        | usage: cistern get [-rHp]",
        "get -o name,colour used t/v    | invalid field 'colour': expected name, property, value or source | usage: cistern get",
        "set volsize tank/vm1           | missing '=' in property=value argument 'volsize' | usage: cistern set",
        "set readonly=yes tank/vm1      | bad value 'yes' for property 'readonly': must be 'on' or 'off' | usage: cistern set",
        "set volsize=2G                 | missing arguments                       | usage: cistern set",
        "pool scrub                     | missing argument                        | usage: cistern pool scrub [-w] pool...",
        "pool list -v                   | invalid option 'v'                      | usage: cistern pool list [-Hp]",
        "target list tank               | too many arguments                      | usage: cistern target list",
        "--url ftp://x list             | bad URL 'ftp://x': expected http://HOST[:PORT] | usage: cistern [--url URL]",
        "--colour list                  | unrecognized option '--colour'          | usage: cistern [--url URL]",
    })
    void usageErrorsExitTwoWithTheCommandsSynopsisAndSendNothing(String line, String message, String usage)
            throws Exception {
        try (FakeApi api = new FakeApi()) {
            Result r = FakeApi.runLine(List.of(line.trim().split(" +")), Map.of("CISTERN_URL", api.url(),
                    "CISTERN_TOKEN", FakeApi.TOKEN));
            assertEquals(2, r.status(), r.err());
            assertEquals("", r.out());
            String[] err = r.err().split("\n");
            assertEquals("cistern: " + message, err[0]);
            assertTrue(err[1].startsWith(usage), err[1]);
            assertEquals(List.of(), api.requests());
        }
    }

    @Test
    void unknownCommandsAndNoCommandPrintEveryCommandsUsage() {
        Result r = FakeApi.runLine(List.of("frobnicate"), Map.of());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("cistern: unrecognized command 'frobnicate'\nusage: cistern "), r.err());
        Result pool = FakeApi.runLine(List.of("pool", "frob"), Map.of());
        assertTrue(pool.err().startsWith("cistern: unrecognized command 'pool frob'\n"), pool.err());
        assertEquals(2, FakeApi.runLine(List.of(), Map.of()).status());
    }

    @Test
    void helpListsEveryCommandOnStdout() {
        for (String help : List.of("help", "-h", "--help")) {
            Result r = FakeApi.runLine(List.of(help), Map.of());
            assertEquals(0, r.status());
            for (String synopsis : List.of("run [--config FILE]", "create [-s] -V size",
                    "import [-R] [-b blocksize] [-o property=value]... file volume", "list [-rHp]", "get [-rHp]",
                    "set property=value", "snapshot volume@snapname", "clone [-s]", "rollback snapshot",
                    "destroy [-r]", "rename ", "pool list [-Hp]", "pool status", "pool scrub [-w]", "target list",
                    "session list", "CISTERN_TOKEN")) {
                assertTrue(r.out().contains(synopsis), synopsis);
            }
        }
    }

    @Test
    void aDaemonThatIsNotRunningIsSaidSo() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        // No token anywhere either: the daemon being down is what the user needs to hear first.
        Result r = FakeApi.runLine(List.of("--url", url, "list"), Map.of("CISTERN_DATA_DIR", "/nonexistent"));
        assertEquals(new Result(1, "", "cistern: cannot reach the Cistern daemon at " + url
                + " (is `bin/cistern run` running?)\n"), r);
    }

    @Test
    void tokenComesFromTokenFileThenEnvironmentThenDataDirectory(@TempDir Path dir) throws Exception {
        try (FakeApi api = new FakeApi()) {
            api.on("GET", "/api/v1/pools", 200, "[]");
            Files.writeString(dir.resolve("api.token"), FakeApi.TOKEN + "\n");
            Files.writeString(dir.resolve("other.token"), FakeApi.TOKEN);
            Map<String, String> dataDir = Map.of("CISTERN_URL", api.url(), "CISTERN_DATA_DIR", dir.toString());
            assertEquals(0, FakeApi.runLine(List.of("pool", "list"), dataDir).status());
            Map<String, String> wrongEnv = Map.of("CISTERN_URL", api.url(), "CISTERN_TOKEN", "wrong");
            assertEquals(new Result(1, "", "cistern: missing or wrong API token\n"),
                    FakeApi.runLine(List.of("pool", "list"), wrongEnv));
            assertEquals(0, FakeApi.runLine(List.of("--token-file", dir.resolve("other.token").toString(), "pool",
                    "list"), wrongEnv).status());
            assertTrue(api.requests().stream().allMatch(
                    q -> q.authorization().equals("Bearer " + FakeApi.TOKEN) || q.authorization().equals("Bearer wrong")));

            Path missing = dir.resolve("nowhere");
            Result r = FakeApi.runLine(List.of("pool", "list"), Map.of("CISTERN_URL", api.url(),
                    "CISTERN_DATA_DIR", missing.toString()));
            assertEquals(1, r.status());
            assertTrue(r.err().startsWith("cistern: no API token: " + missing.resolve("api.token") + " does not exist"),
                    r.err());
        }
    }
}
