package io.cistern.cli.dataset;

import static io.cistern.cli.Datasets.K;
import static io.cistern.cli.Datasets.M;
import static io.cistern.cli.Datasets.array;
import static io.cistern.cli.Datasets.snapshot;
import static io.cistern.cli.Datasets.volume;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.cli.FakeApi;
import io.cistern.cli.FakeApi.Request;
import io.cistern.cli.FakeApi.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seed 001's volume walkthrough (zfs create -V 400M, zfs list -o space,refer,written -t all -r,
 * zfs snapshot, writes in between) replayed with the CLI against canned answers carrying the
 * seed's numbers. The expected tables are the seed's, less the pool's root file system row (Cistern
 * pools have none) and with zero as OpenZFS 2 prints it ("0B"; the seed's FreeBSD 11 printed "0").
 */
class Seed001ReplayTest {
    private static final String SPACE = "list -o space,refer,written -t all -r test";
    private static final String ALL_TEST = "/api/v1/datasets?type=all&name=test&recursive=true";

    @Test
    void createListSnapshotListPrintTheColumnsZfsPrints() throws Exception {
        try (FakeApi api = new FakeApi()) {
            var fresh = volume("test/volume", 880 * M, 0, 12 * K, 414 * M, 12 * K, 12 * K, 400 * M, 414 * M);
            api.on("POST", "/api/v1/datasets", 201, fresh.toString());
            assertEquals(new Result(0, "", ""), run(api, "create -V 400M test/volume"));
            assertEquals(new Request("POST", "/api/v1/datasets", "Bearer " + FakeApi.TOKEN,
                    "{\"name\":\"test/volume\",\"volsize\":419430400,\"sparse\":false,\"properties\":{}}"), last(api));

            api.on("GET", "/api/v1/datasets?type=volume&name=test&recursive=true", 200, array(fresh));
            assertEquals("""
                    NAME          USED  AVAIL  REFER  VOLSIZE  REFRESERV
                    test/volume   414M   880M    12K     400M       414M
                    """, out(api, "list -o name,used,avail,refer,volsize,refreserv -t volume -r test"));

            api.on("GET", ALL_TEST, 200, array(fresh));
            assertEquals("""
                    NAME         AVAIL   USED  USEDSNAP  USEDDS  USEDREFRESERV  USEDCHILD  REFER  WRITTEN
                    test/volume   880M   414M        0B     12K           414M         0B    12K      12K
                    """, out(api, SPACE));

            // dd if=/dev/random of=/dev/zvol/test/volume bs=1M count=100 (101M with metadata)
            long written = 101 * M + 400 * K;
            api.on("GET", ALL_TEST, 200, array(
                    volume("test/volume", 779 * M, 0, written, 313 * M + 99_999, written, written, 400 * M, 414 * M)));
            assertEquals("""
                    NAME         AVAIL   USED  USEDSNAP  USEDDS  USEDREFRESERV  USEDCHILD  REFER  WRITTEN
                    test/volume   779M   414M        0B    101M           313M         0B   101M     101M
                    """, out(api, SPACE));

            api.on("POST", "/api/v1/datasets/test/volume/snapshots", 201, snapshot("test/volume@test", 0, written, written)
                    .toString());
            assertEquals(new Result(0, "", ""), run(api, "snapshot test/volume@test"));
            assertEquals(new Request("POST", "/api/v1/datasets/test/volume/snapshots", "Bearer " + FakeApi.TOKEN,
                    "{\"snapshot\":\"test\"}"), last(api));

            // The refreservation is taken again in full at the snapshot: USED 414M -> 516M.
            api.on("GET", ALL_TEST, 200, array(
                    snapshot("test/volume@test", 0, written, written),
                    volume("test/volume", 779 * M, 0, written, 414 * M + 400 * K, written, 0, 400 * M, 414 * M)));
            assertEquals("""
                    NAME              AVAIL   USED  USEDSNAP  USEDDS  USEDREFRESERV  USEDCHILD  REFER  WRITTEN
                    test/volume        779M   516M        0B    101M           414M         0B   101M       0B
                    test/volume@test      -     0B         -       -              -          -   101M     101M
                    """, out(api, SPACE));

            // dd ... bs=1M seek=100 count=300
            api.on("GET", ALL_TEST, 200, array(
                    volume("test/volume", 476 * M, 56 * K, 404 * M + 400 * K, 111 * M + 500 * K, 404 * M + 400 * K, 303 * M,
                            400 * M, 414 * M),
                    snapshot("test/volume@test", 56 * K, written, written)));
            assertEquals("""
                    NAME              AVAIL   USED  USEDSNAP  USEDDS  USEDREFRESERV  USEDCHILD  REFER  WRITTEN
                    test/volume        476M   516M       56K    404M           111M         0B   404M     303M
                    test/volume@test      -    56K         -       -              -          -   101M     101M
                    """, out(api, SPACE));

            // dd ... bs=1M count=100: the snapshot now holds the first 100M on its own.
            api.on("GET", ALL_TEST, 200, array(
                    volume("test/volume", 375 * M, written, 404 * M + 400 * K, 10 * M + 512 * K, 404 * M + 400 * K,
                            404 * M + 400 * K, 400 * M, 414 * M),
                    snapshot("test/volume@test", written, written, written)));
            assertEquals("""
                    NAME              AVAIL   USED  USEDSNAP  USEDDS  USEDREFRESERV  USEDCHILD  REFER  WRITTEN
                    test/volume        375M   516M      101M    404M          10.5M         0B   404M     404M
                    test/volume@test      -   101M         -       -              -          -   101M     101M
                    """, out(api, SPACE));
            assertEquals(ALL_TEST, last(api).uri());

            // Scripts: -H -p, tab-separated exact bytes.
            assertEquals("test/volume\t393216000\t541360128\t106315776\t424034304\t11010048\t0\t424034304\t424034304\n"
                    + "test/volume@test\t-\t106315776\t-\t-\t-\t-\t106315776\t106315776\n", out(api, SPACE + " -H -p"));
        }
    }

    private static Result run(FakeApi api, String line) {
        return api.run(line.split(" "));
    }

    private static String out(FakeApi api, String line) {
        Result r = run(api, line);
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        return r.out();
    }

    private static Request last(FakeApi api) {
        List<Request> requests = api.requests();
        return requests.get(requests.size() - 1);
    }
}
