package io.cistern.console;

import static io.cistern.console.ApiFixture.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.VolumeSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolApiTest {
    @TempDir
    Path dir;

    @Test
    void poolsAreListedAsZpoolListShowsThem() throws Exception {
        try (ApiFixture api = new ApiFixture(dir)) {
            Pool tank = api.memoryPool("tank", 256 * MiB);
            api.memoryPool("pond", 64 * MiB);
            tank.createVolume("v", VolumeSpec.sparse(64 * MiB)).write(0, random(16 * MiB), true).join();
            JsonArray pools = api.get("/pools").array();
            assertEquals(2, pools.size());
            JsonObject j = pools.getJsonObject(0);
            assertEquals("tank", j.getString("name"));
            var p = tank.properties();
            assertEquals(p.size(), j.getLong("size"));
            assertEquals(p.allocated(), j.getLong("alloc"));
            assertTrue(j.getLong("alloc") >= 16 * MiB, j::encode);
            assertEquals(p.size() - p.allocated(), j.getLong("free"));
            assertEquals(p.allocated() * 100 / p.size(), j.getLong("cap"));
            assertEquals(6L, j.getLong("cap")); // 16M of 256M
            assertEquals(1.0, j.getDouble("dedupratio"));
            assertEquals(0L, j.getJsonObject("dedup").getLong("entries"));
            assertEquals("ONLINE", j.getString("health"));
            assertTrue(j.getValue("fragmentation") instanceof Number);
            assertNull(j.getValue("scrub"));
            assertEquals("pond", pools.getJsonObject(1).getString("name"));
            assertEquals(j, api.get("/pools/tank").json());
            ApiFixture.Answer none = api.get("/pools/lake");
            assertEquals(404, none.status());
            assertEquals("no pool 'lake'", none.error());
        }
    }

    @Test
    void aScrubIsAnOperationPolledToItsReport() throws Exception {
        try (ApiFixture api = new ApiFixture(dir)) {
            Pool tank = api.memoryPool("tank", 256 * MiB);
            tank.createVolume("v", VolumeSpec.sparse(64 * MiB)).write(0, random(40 * MiB), true).join();
            Instant before = Instant.now().minusSeconds(1);
            ApiFixture.Answer started = api.post("/pools/tank/scrub", null);
            assertEquals(202, started.status(), started.body());
            JsonObject op = started.json();
            assertEquals("scrub", op.getString("kind"));
            assertEquals("tank", op.getString("target"));
            assertTrue(Instant.parse(op.getString("startedAt")).isAfter(before));
            String location = started.raw().headers().firstValue("Location").orElseThrow();
            assertEquals("/api/v1/operations/" + op.getString("id"), location);
            op = api.awaitOperation(location, op, 600);
            assertEquals("done", op.getString("state"), op::encode);
            assertEquals(1.0, op.getDouble("progress"));
            assertNull(op.getValue("error"));
            assertEquals(new JsonObject().put("blocks", 40 * MiB / 4096).put("bytes", 40 * MiB)
                    .put("damaged", new JsonArray()), op.getJsonObject("result"));
            assertEquals(op, api.get("/pools/tank").json().getJsonObject("scrub"));
            assertEquals(404, api.get("/operations/999").status());
            assertEquals(404, api.post("/pools/lake/scrub", null).status());
        }
    }

    private static ByteBuffer random(long length) {
        byte[] b = new byte[(int) length];
        new Random(length).nextBytes(b);
        return ByteBuffer.wrap(b);
    }
}
