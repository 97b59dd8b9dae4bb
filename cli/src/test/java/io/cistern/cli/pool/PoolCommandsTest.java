package io.cistern.cli.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cistern.cli.FakeApi;
import io.cistern.cli.FakeApi.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PoolCommandsTest {
    private static final String TANK = "{\"name\":\"tank\",\"size\":107374182400,\"alloc\":13314398618,"
            + "\"free\":94059783782,\"cap\":12,\"dedupratio\":1.0,\"health\":\"ONLINE\",\"fragmentation\":0,"
            + "\"metadataCacheHitRate\":0.99,\"scrub\":%s}";
    private FakeApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void listPrintsZpoolListsColumns() {
        api.on("GET", "/api/v1/pools", 200, "[" + TANK.formatted("null") + ","
                + "{\"name\":\"backup\",\"size\":1056964608,\"alloc\":95232,\"free\":1056869376,\"cap\":0,"
                + "\"dedupratio\":1.68,\"health\":\"DEGRADED\",\"scrub\":null}]");
        assertEquals(new Result(0, """
                NAME     SIZE  ALLOC   FREE    CAP  DEDUP    HEALTH
                tank     100G  12.4G  87.6G    12%  1.00x    ONLINE
                backup  1008M    93K  1008M     0%  1.68x  DEGRADED
                """, ""), api.run("pool", "list"));
        assertEquals(new Result(0, "tank\t107374182400\t13314398618\t94059783782\t12\t1.00\tONLINE\n"
                + "backup\t1056964608\t95232\t1056869376\t0\t1.68\tDEGRADED\n", ""), api.run("pool", "list", "-Hp"));
    }

    @Test
    void statusShowsScrubProgressWithAnEstimate() {
        api.on("GET", "/api/v1/pools", 200, "[{\"name\":\"tank\"}]");
        api.on("GET", "/api/v1/pools/tank", 200, TANK.formatted("{\"id\":\"7\",\"kind\":\"scrub\",\"target\":\"tank\","
                + "\"state\":\"running\",\"progress\":0.25,\"startedAt\":\"2026-03-04T09:00:00Z\",\"result\":null,"
                + "\"error\":null}"));
        assertEquals(new Result(0, """
                  pool: tank
                 state: ONLINE
                  scan: scrub in progress since Wed Mar  4 09:00:00 2026
                \t25.00% done, 00:15:00 to go
                errors: No known data errors
                """, ""), api.run("pool", "status"));
    }

    @Test
    void statusShowsTheDedupTableLikeZpoolStatusD() {
        api.on("GET", "/api/v1/pools/tank", 200, TANK.replace("\"dedupratio\":1.0", "\"dedupratio\":1.93,\"dedup\":{"
                + "\"entries\":233757,\"diskBytes\":18700560,\"diskBytesPerEntry\":80,\"coreBytes\":67108775,"
                + "\"coreBytesPerEntry\":53,\"cachedEntries\":233752,\"cacheCapBytes\":67108864,\"cacheHitRate\":0.48}")
                .formatted("null"));
        assertEquals(new Result(0, """
                  pool: tank
                 state: ONLINE
                  scan: none requested
                errors: No known data errors

                 dedup: DDT entries 233757, size 80 on disk, 53 in core
                """, ""), api.run("pool", "status", "tank"));
    }

    @Test
    void statusListsWhatTheLastScrubFoundDamaged() {
        api.on("GET", "/api/v1/pools/tank", 200, TANK.formatted("{\"id\":\"7\",\"kind\":\"scrub\",\"state\":\"done\","
                + "\"progress\":1,\"startedAt\":\"2026-03-04T08:00:00Z\",\"finishedAt\":\"2026-03-04T08:02:03Z\","
                + "\"result\":{\"blocks\":1000,\"bytes\":5626407731,\"damaged\":[{\"dataset\":\"tank/vm1\","
                + "\"block\":17,\"live\":false,\"reason\":\"checksum mismatch\"}]},\"error\":null}"));
        assertEquals(new Result(0, """
                  pool: tank
                 state: ONLINE
                  scan: scrub checked 5.24G in 00:02:03 with 1 error on Wed Mar  4 08:02:03 2026
                errors: Permanent errors have been detected in the following volumes:

                \ttank/vm1 block 17: checksum mismatch (in snapshots only)
                """, ""), api.run("pool", "status", "tank"));
    }

    @Test
    void aFinishedScrubWithoutItsEndTimeSaysWhenItStarted() {
        api.on("GET", "/api/v1/pools/tank", 200, TANK.formatted("{\"id\":\"7\",\"kind\":\"scrub\",\"state\":\"done\","
                + "\"progress\":1,\"startedAt\":\"2026-03-04T08:00:00Z\",\"result\":{\"blocks\":0,\"bytes\":0,"
                + "\"damaged\":[]},\"error\":null}"));
        assertEquals("  scan: scrub checked 0B with 0 errors (started Wed Mar  4 08:00:00 2026)",
                api.run("pool", "status", "tank").out().lines().toList().get(2));
    }

    @Test
    void scrubWaitsPrintingProgressThenTheResult() {
        api.on("POST", "/api/v1/pools/tank/scrub", 202, "{\"id\":\"9\",\"kind\":\"scrub\",\"state\":\"running\","
                + "\"progress\":0,\"startedAt\":\"2026-03-04T09:00:00Z\"}");
        String running = "{\"id\":\"9\",\"state\":\"running\",\"progress\":0.5,\"startedAt\":\"2026-03-04T09:00:00Z\"}";
        api.onInTurn("GET", "/api/v1/operations/9", running, running,
                "{\"id\":\"9\",\"state\":\"done\",\"progress\":1,\"startedAt\":\"2026-03-04T09:00:00Z\","
                        + "\"finishedAt\":\"2026-03-04T09:10:00Z\",\"result\":{\"blocks\":131072,\"bytes\":1073741824,"
                        + "\"damaged\":[]}}");
        assertEquals(new Result(0, """
                tank: scrub 0.00% done, no estimated completion time
                tank: scrub 50.00% done, 00:05:00 to go
                tank: scrub checked 1G in 00:10:00 with 0 errors on Wed Mar  4 09:10:00 2026
                """, ""), api.run("pool", "scrub", "-w", "tank"));
        assertEquals(4, api.requests().size());
        assertEquals(new Result(0, "", ""), api.run("pool", "scrub", "tank"));
    }

    @Test
    void aFailedScrubExitsOne() {
        api.on("POST", "/api/v1/pools/tank/scrub", 202, "{\"id\":\"9\",\"state\":\"running\",\"progress\":0}");
        api.on("GET", "/api/v1/operations/9", 200, "{\"id\":\"9\",\"state\":\"failed\",\"error\":\"pool closed\"}");
        assertEquals(new Result(1, "tank: scrub 0.00% done, no estimated completion time\n",
                "cistern: scrub of tank failed: pool closed\n"), api.run("pool", "scrub", "-w", "tank"));
        api.on("POST", "/api/v1/pools/tank/scrub", 409, "{\"error\":\"a scrub of tank is already running\"}");
        assertEquals(new Result(1, "", "cistern: a scrub of tank is already running\n"), api.run("pool", "scrub", "tank"));
    }
}
