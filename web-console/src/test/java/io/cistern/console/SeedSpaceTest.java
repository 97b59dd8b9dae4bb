package io.cistern.console;

import static io.cistern.console.ApiFixture.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolConfig;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001's walkthrough through the API, as the CLI will drive it: {@code zfs create -V 400M} in a
 * 1 GiB file pool, 100M written, {@code zfs snapshot}, and the space columns of
 * {@code zfs list -o space,refer,written -t all} read back from the API at each step.
 */
class SeedSpaceTest {
    @TempDir
    Path dir;

    @Test
    void reservedVolumeReReservesAtEachSnapshot() throws Exception {
        try (ApiFixture api = new ApiFixture(dir)) {
            Pool pool = Pool.createOnFile(dir.resolve("test.pool"), 1L << 30, false, dir.resolve("test.meta"),
                    PoolConfig.defaults());
            api.pools.put("test", pool);
            long capacity = pool.properties().capacity();
            long refres = 400 * MiB + 1200 * 4096; // volsize + the metadata its blocks may need

            JsonObject v = api.post("/datasets", new JsonObject().put("name", "test/volume").put("volsize", 400 * MiB))
                    .json();
            assertEquals(refres, n(v, "refreservation"));
            assertEquals(refres, n(v, "used"));
            assertEquals(refres, n(v, "usedbyrefreservation"));
            assertEquals(0, n(v, "referenced"));
            assertEquals(capacity, n(v, "available"));                 // seed: AVAIL 880M, the pool's before

            byte[] mib = new byte[(int) MiB];
            new java.util.Random(0x11).nextBytes(mib); // incompressible: seed 001 is uncompressed
            var volume = pool.volume("volume");
            for (int i = 0; i < 100; i++) {                            // dd bs=1M count=100
                volume.write(i * MiB, ByteBuffer.wrap(mib), false).join();
            }
            volume.flush().join();
            v = api.get("/datasets/test/volume").json();
            assertEquals(100 * MiB, n(v, "referenced"));
            assertEquals(100 * MiB, n(v, "written"));
            assertEquals(refres - 100 * MiB, n(v, "usedbyrefreservation"));
            assertEquals(refres, n(v, "used"));                        // USED unchanged
            assertEquals(capacity - 100 * MiB, n(v, "available"));

            JsonObject snap = api.post("/datasets/test/volume/snapshots", new JsonObject().put("snapshot", "test"))
                    .json();
            v = api.get("/datasets/test/volume").json();
            assertEquals(0, n(v, "written"));                          // the snapshot took the written data
            assertEquals(100 * MiB, n(v, "referenced"));
            assertEquals(refres, n(v, "usedbyrefreservation"));        // re-reserved in full
            assertEquals(100 * MiB, n(v, "usedbydataset"));
            assertEquals(0, n(v, "usedbysnapshots"));
            assertEquals(refres + 100 * MiB, n(v, "used"));            // seed: USED 414M -> 516M
            assertEquals(n(v, "used"), n(v, "usedbydataset") + n(v, "usedbysnapshots")
                    + n(v, "usedbyrefreservation") + n(v, "usedbychildren"));
            assertEquals(0, n(snap, "used"));
            assertEquals(100 * MiB, n(snap, "referenced"));
            assertEquals(100 * MiB, n(snap, "written"));
            assertNull(value(snap, "available"));                      // zfs list prints "-"

            new java.util.Random(0x33).nextBytes(mib);
            for (int i = 0; i < 100; i++) {                            // rewrite the first 100M
                volume.write(i * MiB, ByteBuffer.wrap(mib), false).join();
            }
            volume.flush().join();
            List<Object> rows = api.get("/datasets?name=test/volume&type=all&recursive=true").array().getList();
            assertEquals(2, rows.size());
            v = api.get("/datasets/test/volume").json();
            assertEquals(100 * MiB, n(v, "usedbysnapshots"));          // seed: USEDSNAP 101M
            assertEquals(refres - 100 * MiB, n(v, "usedbyrefreservation"));
            assertEquals(refres + 100 * MiB, n(v, "used"));            // USED still 516M
            assertEquals(100 * MiB, n(api.get("/datasets/test/volume@test").json(), "used"));
        }
    }

    private static Object value(JsonObject dataset, String property) {
        return dataset.getJsonObject("properties").getJsonObject(property).getValue("value");
    }

    private static long n(JsonObject dataset, String property) {
        return ((Number) value(dataset, property)).longValue();
    }
}
