package io.cistern.console;

import static io.cistern.console.ApiFixture.MiB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.thinpool.pool.Pool;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /datasets with an image: a raw disk image on the appliance copied into a new volume as an operation. */
class ImageImportApiTest {
    @TempDir
    Path dir;
    private ApiFixture api;
    private Pool tank;

    @BeforeEach
    void start() throws Exception {
        api = new ApiFixture(dir);
        tank = api.memoryPool("tank", 256 * MiB);
    }

    @AfterEach
    void stop() throws Exception {
        for (Pool p : api.pools.values()) {
            assertTrue(p.check().clean(), p.check().problems()::toString);
        }
        api.close();
    }

    /** Random data, a MiB of zeros, random data again and a tail shorter than a block. */
    private Path image(String name, long seed) throws Exception {
        byte[] b = new byte[(int) (3 * MiB + 1000)];
        Random r = new Random(seed);
        byte[] part = new byte[(int) MiB];
        r.nextBytes(part);
        System.arraycopy(part, 0, b, 0, part.length);
        r.nextBytes(part);
        System.arraycopy(part, 0, b, (int) (2 * MiB), part.length);
        b[b.length - 1] = 7;
        return Files.write(dir.resolve(name), b);
    }

    private ApiFixture.Answer importImage(JsonObject body) {
        return api.post("/datasets", body);
    }

    private JsonObject await(ApiFixture.Answer started) throws InterruptedException {
        assertEquals(202, started.status(), started.body());
        String location = started.raw().headers().firstValue("Location").orElseThrow();
        JsonObject op = started.json();
        assertEquals("/api/v1/operations/" + op.getString("id"), location);
        return api.awaitOperation(location, op, 3000);
    }

    private static Object value(JsonObject dataset, String property) {
        return dataset.getJsonObject("properties").getJsonObject(property).getValue("value");
    }

    @Test
    void anImageIsCopiedIntoASparseVolumeOfItsSizeWithoutAllocatingItsZeros() throws Exception {
        Path image = image("disk.img", 1);
        ApiFixture.Answer started = importImage(new JsonObject().put("name", "tank/vm").put("image", image.toString()));
        assertEquals("import", started.json().getString("kind"));
        assertEquals("tank/vm", started.json().getString("target"));
        JsonObject op = await(started);
        assertEquals("done", op.getString("state"), op::encode);
        assertEquals(1.0, op.getDouble("progress"));
        assertEquals(new JsonObject().put("bytes", Files.size(image)), op.getJsonObject("result"));

        JsonObject vm = api.get("/datasets/tank/vm").json();
        long volsize = 3 * MiB + 4096; // rounded up to volblocksize
        assertEquals(volsize, ((Number) value(vm, "volsize")).longValue());
        assertNull(value(vm, "refreservation"), vm::encode);
        assertEquals("off", value(vm, "readonly"));
        long referenced = ((Number) value(vm, "referenced")).longValue();
        assertTrue(referenced < 2 * MiB + 64 * 1024, "the MiB of zeros takes no space: " + referenced);

        byte[] expected = Arrays.copyOf(Files.readAllBytes(image), (int) volsize);
        ByteBuffer read = tank.volume("vm").read(0, (int) volsize).join();
        assertArrayEquals(expected, read.array());
    }

    @Test
    void aReservedReadonlyImportWithItsBlocksize() throws Exception {
        Path image = image("disk.img", 2);
        JsonObject op = await(importImage(new JsonObject().put("name", "tank/ro").put("image", image.toString())
                .put("sparse", false).put("properties", new JsonObject().put("volblocksize", 16384).put("readonly", "on"))));
        assertEquals("done", op.getString("state"), op::encode);
        JsonObject ro = api.get("/datasets/tank/ro").json();
        assertEquals(3 * MiB + 16384, ((Number) value(ro, "volsize")).longValue());
        long refreservation = ((Number) value(ro, "refreservation")).longValue();
        assertTrue(refreservation >= 3 * MiB + 16384, "reserved, metadata included: " + refreservation);
        assertEquals("on", value(ro, "readonly"));
        assertArrayEquals(Files.readAllBytes(image), tank.volume("ro").read(0, (int) Files.size(image)).join().array());
    }

    @Test
    void aBadImageOrRequestIs400AndLeavesNoVolume() throws Exception {
        Path good = image("disk.img", 3);
        Path empty = Files.createFile(dir.resolve("empty.img"));
        Path folder = Files.createDirectory(dir.resolve("folder"));
        List<List<Object>> cases = List.of(
                List.of(dir.resolve("missing.img").toString(), "image '" + dir.resolve("missing.img") + "' does not exist"),
                List.of("disk.img", "image 'disk.img' must be an absolute path on the appliance"),
                List.of(folder.toString(), "image '" + folder + "' is not a regular file or block device"),
                List.of(empty.toString(), "image '" + empty + "' is empty"),
                List.of(12, "'image' must be a non-empty string"));
        for (List<Object> c : cases) {
            ApiFixture.Answer a = importImage(new JsonObject().put("name", "tank/vm").put("image", c.get(0)));
            assertEquals(400, a.status(), a.body());
            assertEquals(c.get(1), a.error());
        }
        ApiFixture.Answer sized = importImage(new JsonObject().put("name", "tank/vm").put("image", good.toString())
                .put("volsize", MiB));
        assertEquals(400, sized.status());
        assertEquals("'volsize' and 'image' exclude each other: the volume takes the image's size", sized.error());
        ApiFixture.Answer shared = importImage(new JsonObject().put("name", "tank/vm").put("image", good.toString())
                .put("properties", new JsonObject().put("shareiscsi", "on")));
        assertEquals(400, shared.status());
        assertTrue(shared.error().startsWith("cannot share 'tank/vm' before its image is copied"), shared.error());
        assertEquals(List.of(), tank.list());

        assertEquals("done", await(importImage(new JsonObject().put("name", "tank/vm").put("image", good.toString())))
                .getString("state"), "a control for the refusals above");
        ApiFixture.Answer taken = importImage(new JsonObject().put("name", "tank/vm").put("image", good.toString()));
        assertEquals(409, taken.status());
        assertEquals("tank: 'vm' already exists", taken.error());
    }

    @Test
    void aCopyThatRunsOutOfSpaceFailsWithTheReasonAndDestroysTheVolume() throws Exception {
        Pool small = api.memoryPool("small", 16 * MiB);
        byte[] b = new byte[(int) (32 * MiB)];
        new Random(4).nextBytes(b); // incompressible
        Path image = Files.write(dir.resolve("big.img"), b);
        JsonObject op = await(importImage(new JsonObject().put("name", "small/vm").put("image", image.toString())));
        assertEquals("failed", op.getString("state"), op::encode);
        String error = op.getString("error");
        assertTrue(error.startsWith("copying the image into 'small/vm' stopped: "), error);
        assertTrue(error.contains("out of space"), error);
        assertTrue(error.endsWith("; 'small/vm' is destroyed"), error);
        assertEquals(404, api.get("/datasets/small/vm").status());
        assertEquals(List.of(), small.list());
        JsonObject again = await(importImage(new JsonObject().put("name", "small/vm")
                .put("image", image("disk.img", 5).toString())));
        assertEquals("done", again.getString("state"), "the name and the space are free again");
        assertEquals(List.of("vm"), small.list());
    }
}
