package io.cistern.console;

import static io.cistern.console.ApiFixture.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.console.http.ApiException;
import io.cistern.target.backend.MemoryBackend;
import io.cistern.target.scsi.ScsiTargetDevice;
import io.cistern.target.session.TargetNode;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolException;
import io.cistern.thinpool.pool.Volume;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetApiTest {
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
        assertTrue(tank.check().clean(), tank.check().problems()::toString);
        api.close();
    }

    private ApiFixture.Answer create(String name, long volsize, boolean sparse) {
        return api.post("/datasets", new JsonObject().put("name", name).put("volsize", volsize).put("sparse", sparse));
    }

    private static Object value(JsonObject dataset, String property) {
        return dataset.getJsonObject("properties").getJsonObject(property).getValue("value");
    }

    private static String source(JsonObject dataset, String property) {
        return dataset.getJsonObject("properties").getJsonObject(property).getString("source");
    }

    private List<String> names(ApiFixture.Answer list) {
        assertEquals(200, list.status(), list.body());
        return list.array().stream().map(o -> ((JsonObject) o).getString("name")).toList();
    }

    @Test
    void createShowsZfsPropertiesWithNumbersAsNumbers() {
        ApiFixture.Answer a = api.post("/datasets", new JsonObject().put("name", "tank/vm1").put("volsize", 16 * MiB)
                .put("properties", new JsonObject().put("volblocksize", 8192)));
        assertEquals(201, a.status(), a.body());
        assertEquals("/api/v1/datasets/tank/vm1", a.raw().headers().firstValue("Location").orElseThrow());
        JsonObject v = a.json();
        assertEquals("tank/vm1", v.getString("name"));
        assertEquals("volume", v.getString("type"));
        assertEquals(java.util.Set.of("type", "creation", "used", "available", "referenced", "compressratio", "volsize",
                "volblocksize", "readonly", "origin", "refreservation", "usedbysnapshots", "usedbydataset",
                "usedbychildren", "usedbyrefreservation", "written", "logicalused", "logicalreferenced",
                "refcompressratio", "compression", "dedup", "guid", "shareiscsi"),
                java.util.Set.copyOf(v.getJsonObject("properties").fieldNames()));
        assertEquals(16 * MiB, ((Number) value(v, "volsize")).longValue());
        assertTrue(a.body().contains("\"volsize\":{\"value\":16777216,"), "sizes are whole numbers: " + a.body());
        assertTrue(a.body().contains("\"volblocksize\":{\"value\":8192,"), a.body());
        assertTrue(a.body().contains("\"compressratio\":{\"value\":1.0,"), "ratios are decimal: " + a.body());
        assertEquals("local", source(v, "volsize"));
        assertEquals(8192, ((Number) value(v, "volblocksize")).intValue());
        assertEquals("off", value(v, "readonly"));
        assertEquals("default", source(v, "readonly"));
        assertNull(value(v, "origin"));
        assertEquals(1.0, value(v, "compressratio"));
        assertEquals("off", value(v, "shareiscsi"));
        long refres = ((Number) value(v, "refreservation")).longValue();
        assertTrue(refres > 16 * MiB, "reserved by default, as zfs create -V: " + refres);
        assertEquals(refres, ((Number) value(v, "used")).longValue());
        assertEquals(refres, ((Number) value(v, "usedbyrefreservation")).longValue());
        assertEquals("local", source(v, "refreservation"));
        assertEquals(tank.properties("vm1").guid().toString(), value(v, "guid"));

        JsonObject sparse = create("tank/thin", 16 * MiB, true).json();
        assertNull(value(sparse, "refreservation"));
        assertEquals("default", source(sparse, "refreservation"));
        assertEquals(0L, ((Number) value(sparse, "used")).longValue());
        assertEquals(v, api.get("/datasets/tank/vm1").json());
    }

    @Test
    void badCreateRequestsAre400AndChangeNothing() {
        String[][] cases = {
            {"{\"name\":\"tank/v\",\"volsize\":", "malformed JSON body"},
            {"[1,2]", "the body must be a JSON object"},
            {"{\"name\":\"tank/v\"}", "'volsize' is required"},
            {"{\"name\":\"tank/v\",\"volsize\":-4096}", "'volsize' must be a positive whole number of bytes: -4096"},
            {"{\"name\":\"tank/v\",\"volsize\":\"1G\"}", "'volsize' must be a positive whole number of bytes: 1G"},
            {"{\"name\":\"tank/v\",\"volsize\":4096.5}", "'volsize' must be a positive whole number of bytes: 4096.5"},
            {"{\"name\":\"tank/v\",\"volsize\":4096,\"colour\":1}", "unknown field 'colour' (known: image, name, properties, sparse, volsize)"},
            {"{\"name\":\"tank/v\",\"volsize\":4096,\"properties\":{\"colour\":1}}", "unknown property 'colour'"},
            {"{\"name\":\"tank/v\",\"volsize\":4096,\"properties\":{\"used\":1}}", "property 'used' is read-only"},
            {"{\"name\":\"tank/v\",\"volsize\":4096,\"properties\":{\"shareiscsi\":1}}",
                "'shareiscsi' must be true, false, \"on\" or \"off\": 1"},
            {"{\"name\":\"tank/v\",\"volsize\":4096,\"properties\":{\"readonly\":\"yes\"}}",
                "'readonly' must be true, false, \"on\" or \"off\": yes"},
            {"{\"name\":\"tank/v\",\"volsize\":4096,\"properties\":{\"volblocksize\":1000}}",
                "tank: volblocksize must be a power of two from 4K to 128K: 1000"},
            {"{\"name\":\"tank/v\",\"volsize\":4097}", "tank: volsize must be a positive multiple of volblocksize 4096: 4097"},
            {"{\"name\":\"v\",\"volsize\":4096}", "'v' is not a dataset name (POOL/VOLUME or POOL/VOLUME@SNAPSHOT)"},
            {"{\"name\":\"tank/v@s\",\"volsize\":4096}", "'tank/v@s' names a snapshot: take it with POST /datasets/{name}/snapshots"},
            {"{\"name\":\"tank/bad name\",\"volsize\":4096}",
                "tank: bad name 'bad name': 1-200 of letters, digits and _ . : - starting with a letter or digit"},
        };
        for (String[] c : cases) {
            ApiFixture.Answer a = api.send("POST", "/datasets", c[0], api.token);
            assertEquals(400, a.status(), c[0] + " -> " + a.body());
            assertEquals(c[1], a.error(), c[0]);
        }
        assertEquals(List.of(), tank.list());
        ApiFixture.Answer noPool = create("pond/v", MiB, true);
        assertEquals(404, noPool.status());
        assertEquals("no pool 'pond'", noPool.error());
    }

    @Test
    void aReservationThatDoesNotFitIs507AndAnExistingNameIs409() {
        ApiFixture.Answer tooBig = create("tank/big", 300 * MiB, false);
        assertEquals(507, tooBig.status(), tooBig.body());
        assertTrue(tooBig.error().startsWith("tank: "), tooBig.error());
        assertEquals(List.of(), tank.list());
        assertEquals(201, create("tank/big", 300 * MiB, true).status(), "sparse: no reservation to fit");
        ApiFixture.Answer again = create("tank/big", MiB, true);
        assertEquals(409, again.status());
        assertEquals("tank: 'big' already exists", again.error());
    }

    @Test
    void listFiltersByTypeNameAndDepth() throws Exception {
        create("tank/b", MiB, true);
        create("tank/a", MiB, true);
        api.post("/datasets/tank/a/snapshots", new JsonObject().put("snapshot", "z-first"));
        api.post("/datasets/tank/a/snapshots", new JsonObject().put("snapshot", "a-second"));
        api.memoryPool("pond", 64 * MiB);
        create("pond/c", MiB, true);
        assertEquals(List.of("tank/a", "tank/b", "pond/c"), names(api.get("/datasets")));
        assertEquals(List.of("tank/a", "tank/a@z-first", "tank/a@a-second", "tank/b", "pond/c"),
                names(api.get("/datasets?type=all")));
        assertEquals(List.of("tank/a@z-first", "tank/a@a-second"), names(api.get("/datasets?type=snapshot")));
        assertEquals(List.of("tank/a", "tank/b"), names(api.get("/datasets?name=tank")));
        assertEquals(List.of("tank/a"), names(api.get("/datasets?name=tank/a&type=all")));
        assertEquals(List.of("tank/a", "tank/a@z-first", "tank/a@a-second"),
                names(api.get("/datasets?name=tank/a&type=all&recursive=true")));
        assertEquals(List.of("tank/a@a-second"), names(api.get("/datasets?name=tank/a@a-second&type=all")));
        assertEquals(List.of(), names(api.get("/datasets?name=tank/a@a-second")));
        assertEquals("query parameter 'type' must be one of all, snapshot, volume: 'filesystem'",
                api.get("/datasets?type=filesystem").error());
        assertEquals("query parameter 'recursive' must be one of false, true: 'yes'",
                api.get("/datasets?recursive=yes").error());
        assertEquals("unknown query parameter 'depth' (known: name, recursive, type)", api.get("/datasets?depth=1").error());
        assertEquals(404, api.get("/datasets?name=tank/nope").status());
        assertEquals(404, api.get("/datasets?name=lake").status());
        assertEquals("tank: no dataset named 'nope'", api.get("/datasets/tank/nope").error());
    }

    @Test
    void patchSetsVolsizeAndReadonlyOrRefusesWithoutChange() {
        create("tank/v", 16 * MiB, false);
        ApiFixture.Answer grown = api.patch("/datasets/tank/v", new JsonObject().put("properties",
                new JsonObject().put("volsize", 32 * MiB).put("readonly", true)));
        assertEquals(200, grown.status(), grown.body());
        assertEquals(32 * MiB, ((Number) value(grown.json(), "volsize")).longValue());
        assertEquals("on", value(grown.json(), "readonly"));
        assertEquals("local", source(grown.json(), "readonly"));
        Volume v = tank.volume("v");
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> v.write(0, ByteBuffer.allocate(4096).put(0, (byte) 1), false).join());
        assertEquals(PoolException.Kind.READ_ONLY, ((PoolException) e.getCause()).kind());

        JsonObject before = api.get("/datasets/tank/v").json();
        ApiFixture.Answer tooBig = api.patch("/datasets/tank/v", new JsonObject().put("properties",
                new JsonObject().put("readonly", "off").put("volsize", 400 * MiB)));
        assertEquals(507, tooBig.status(), tooBig.body());
        assertEquals(before, api.get("/datasets/tank/v").json(), "a refused request changes nothing");

        assertEquals(200, api.patch("/datasets/tank/v", new JsonObject().put("properties",
                new JsonObject().put("readonly", "off"))).status());
        assertEquals("off", value(api.get("/datasets/tank/v").json(), "readonly"));
        String[][] refused = {
            {"{\"properties\":{\"volblocksize\":8192}}", "property 'volblocksize' is fixed at creation"},
            {"{\"properties\":{\"refreservation\":0}}",
                "property 'refreservation' is read-only (a volume is reserved unless created sparse)"},
            {"{\"properties\":{\"shareiscsi\":\"yes\"}}", "'shareiscsi' must be true, false, \"on\" or \"off\": yes"},
            {"{\"properties\":{\"volsize\":0}}", "'volsize' must be a positive whole number of bytes: 0"},
            {"{\"properties\":{\"compression\":\"lz5\"}}",
                "bad compression 'lz5': expected off, on, lz4, zstd or zstd-1 ... zstd-19"},
            {"{\"properties\":{\"dedup\":true}}", "'dedup' must be a string: true"},
            {"{\"properties\":{\"colour\":\"lz4\"}}", "unknown property 'colour'"},
            {"{\"properties\":7}", "'properties' must be a JSON object"},
            {"{\"volsize\":7}", "unknown field 'volsize' (known: properties)"},
        };
        for (String[] c : refused) {
            ApiFixture.Answer a = api.send("PATCH", "/datasets/tank/v", c[0], api.token);
            assertEquals(400, a.status(), c[0]);
            assertEquals(c[1], a.error());
        }
        api.post("/datasets/tank/v/snapshots", new JsonObject().put("snapshot", "s"));
        assertEquals("'tank/v@s' is a snapshot, not a volume", api.patch("/datasets/tank/v@s",
                new JsonObject().put("properties", new JsonObject().put("readonly", true))).error());
        assertEquals(404, api.patch("/datasets/tank/w", new JsonObject().put("properties", new JsonObject())).status());
    }

    @Test
    void destroyWithSnapshotsNeedsRecursiveAndOtherwiseChangesNothing() {
        create("tank/v", MiB, true);
        assertEquals(201, api.post("/datasets/tank/v/snapshots", new JsonObject().put("snapshot", "s1")).status());
        List<String> all = names(api.get("/datasets?type=all"));
        ApiFixture.Answer busy = api.delete("/datasets/tank/v");
        assertEquals(409, busy.status(), busy.body());
        assertTrue(busy.error().startsWith("tank: 'v' has dependants"), busy.error());
        assertEquals(all, names(api.get("/datasets?type=all")));
        assertEquals(400, api.delete("/datasets/tank/v?recursive=sure").status());
        assertEquals(400, api.delete("/datasets/tank/v?force=true").status());
        ApiFixture.Answer gone = api.delete("/datasets/tank/v?recursive=true");
        assertEquals(204, gone.status(), gone.body());
        assertEquals("", gone.body());
        assertEquals(List.of(), tank.list());
        assertEquals(404, api.delete("/datasets/tank/v").status());
    }

    @Test
    void destroyOfAWrittenVolumeIsAnOperationPolledUntilItsSpaceIsFree() throws Exception {
        create("tank/big", 128 * MiB, true);
        Volume big = tank.volume("big");
        for (long off = 0; off < 64 * MiB; off += MiB) {
            byte[] b = new byte[(int) MiB];
            new java.util.Random(off).nextBytes(b); // incompressible
            big.write(off, ByteBuffer.wrap(b), false).join();
        }
        big.flush().join();
        long poolUsed = api.get("/pools/tank").json().getLong("alloc");

        ApiFixture.Answer gone = api.delete("/datasets/tank/big");
        assertEquals(202, gone.status(), gone.body());
        assertEquals(404, api.get("/datasets/tank/big").status()); // the name goes at once
        JsonObject op = gone.json();
        assertEquals("destroy", op.getString("kind"));
        assertEquals("tank/big", op.getString("target"));
        String location = gone.raw().headers().firstValue("Location").orElseThrow();
        assertEquals("/api/v1/operations/" + op.getString("id"), location);
        assertEquals(201, create("tank/big", MiB, true).status()); // and may be taken again meanwhile
        op = api.awaitOperation(location, op, 3000);
        assertEquals("done", op.getString("state"), op::encode);
        assertEquals(1.0, op.getDouble("progress"));
        assertEquals(new JsonObject().put("freed", 64 * MiB), op.getJsonObject("result"));
        JsonObject pool = api.get("/pools/tank").json();
        assertEquals(0L, pool.getLong("freeing"));
        assertTrue(pool.getLong("alloc") <= poolUsed - 64 * MiB, pool::encode);
        assertEquals(204, api.delete("/datasets/tank/big").status()); // nothing written: nothing to wait for
    }

    @Test
    void snapshotCloneRollbackAndRename() throws Exception {
        create("tank/v", MiB, true);
        Volume v = tank.volume("v");
        v.write(0, block(1), true).join();
        ApiFixture.Answer snap = api.post("/datasets/tank/v/snapshots", new JsonObject().put("snapshot", "monday"));
        assertEquals(201, snap.status(), snap.body());
        assertEquals("tank/v@monday", snap.json().getString("name"));
        assertEquals("snapshot", snap.json().getString("type"));
        assertEquals("/api/v1/datasets/tank/v@monday", snap.raw().headers().firstValue("Location").orElseThrow());
        assertEquals(4096L, ((Number) value(snap.json(), "logicalreferenced")).longValue()); // stored compressed
        assertEquals(409, api.post("/datasets/tank/v/snapshots", new JsonObject().put("snapshot", "monday")).status());
        assertEquals(snap.json(), api.get("/datasets/tank%2Fv%40monday").json(), "names may be percent-encoded");
        assertEquals(400, api.post("/datasets/tank/v@monday/snapshots", new JsonObject().put("snapshot", "x")).status());
        assertEquals("'snapshot' must be a non-empty string",
                api.post("/datasets/tank/v/snapshots", new JsonObject().put("snapshot", 5)).error());

        v.write(0, block(2), true).join();
        ApiFixture.Answer back = api.post("/datasets/tank/v@monday/rollback", null);
        assertEquals(200, back.status(), back.body());
        assertEquals("tank/v", back.json().getString("name"));
        assertEquals(1, v.read(0, 4096).join().get(0));
        assertEquals("'tank/v' is not a snapshot (POOL/VOLUME@SNAPSHOT)", api.post("/datasets/tank/v/rollback", null).error());

        ApiFixture.Answer clone = api.post("/datasets/tank/v@monday/clone", new JsonObject().put("name", "tank/c"));
        assertEquals(201, clone.status(), clone.body());
        assertEquals("tank/v@monday", value(clone.json(), "origin"));
        assertNull(value(clone.json(), "refreservation"), "a clone is sparse unless asked");
        assertEquals(1, tank.volume("c").read(0, 4096).join().get(0));
        assertEquals("cannot clone across pools: 'tank/v@monday' to 'pond/c'",
                api.post("/datasets/tank/v@monday/clone", new JsonObject().put("name", "pond/c")).error());
        assertEquals(409, api.delete("/datasets/tank/v@monday").status(), "the clone depends on it");

        ApiFixture.Answer renamed = api.post("/datasets/tank/c/rename", new JsonObject().put("name", "tank/d"));
        assertEquals(200, renamed.status(), renamed.body());
        assertEquals("tank/d", renamed.json().getString("name"));
        assertEquals(404, api.get("/datasets/tank/c").status());
        assertEquals(200, api.get("/datasets/tank/d").status());
        assertEquals(409, api.post("/datasets/tank/d/rename", new JsonObject().put("name", "tank/v")).status());
    }

    @Test
    void anExportedVolumeIsSharedAndCannotBeDestroyedOrRenamed() {
        create("tank/vm1", MiB, true);
        ScsiTargetDevice device = new ScsiTargetDevice();
        MemoryBackend lun = new MemoryBackend(2048, 512);
        device.addLun(3, lun, Set.of());
        api.backings.put(lun, "tank/vm1");
        api.targets.add(new TargetNode("iqn.2026-11.io.cistern:t", Optional.of("test"), 1,
                List.of(new io.cistern.target.login.Portal("127.0.0.1", 3260, 1)), Set.of("iqn.1994-05.com.redhat:h"),
                Optional.empty(), device));
        assertEquals("on", value(api.get("/datasets/tank/vm1").json(), "shareiscsi"));
        ApiFixture.Answer d = api.delete("/datasets/tank/vm1");
        assertEquals(409, d.status());
        assertEquals("cannot destroy 'tank/vm1': exported as LUN 3 of iqn.2026-11.io.cistern:t", d.error());
        assertEquals(409, api.post("/datasets/tank/vm1/rename", new JsonObject().put("name", "tank/x")).status());
        api.post("/datasets/tank/vm1/snapshots", new JsonObject().put("snapshot", "s"));
        device.removeLun(3);
        device.addLun(4, lun, Set.of());
        api.backings.put(lun, "tank/vm1@s");
        assertEquals("off", value(api.get("/datasets/tank/vm1").json(), "shareiscsi"));
        assertEquals("on", value(api.get("/datasets/tank/vm1@s").json(), "shareiscsi"));
        assertEquals("cannot destroy 'tank/vm1': exported as LUN 4 of iqn.2026-11.io.cistern:t (tank/vm1@s)",
                api.delete("/datasets/tank/vm1?recursive=true").error());
        assertEquals(List.of("vm1", "vm1@s"), tank.list());
        device.removeLun(4);
        device.addLun(3, lun, Set.of());
        api.backings.put(lun, "tank/vm1");

        JsonArray targets = api.get("/targets").array();
        assertEquals(new JsonArray().add(new JsonObject().put("iqn", "iqn.2026-11.io.cistern:t").put("alias", "test")
                .put("portals", new JsonArray().add("127.0.0.1:3260"))
                .put("luns", new JsonArray().add(new JsonObject().put("lun", 3).put("backing", "tank/vm1")
                        .put("size", MiB)))
                .put("acl", new JsonArray().add("iqn.1994-05.com.redhat:h")).put("chap", false)), targets);
        assertEquals(new JsonArray(), api.get("/sessions").array());
    }

    @Test
    void compressionAndDedupAreChosenAtCreationAndChangedLater() {
        ApiFixture.Answer a = api.post("/datasets", new JsonObject().put("name", "tank/raw").put("volsize", MiB)
                .put("properties", new JsonObject().put("compression", "off").put("dedup", "verify")));
        assertEquals(201, a.status(), a.body());
        assertEquals("off", value(a.json(), "compression"));
        assertEquals("verify", value(a.json(), "dedup"));
        ApiFixture.Answer changed = api.patch("/datasets/tank/raw", new JsonObject().put("properties",
                new JsonObject().put("compression", "zstd-3").put("dedup", "off")));
        assertEquals(200, changed.status(), changed.body());
        assertEquals(tank.properties("raw").asMap().get("compression"), value(changed.json(), "compression"));
        assertTrue(((String) value(changed.json(), "compression")).startsWith("zstd"), changed.body());
        assertEquals("off", value(changed.json(), "dedup"));
    }

    @Test
    void shareiscsiAsksTheApplianceToExportAndARefusalChangesNothing() {
        create("tank/v", 16 * MiB, false);
        ApiFixture.Answer on = api.patch("/datasets/tank/v", new JsonObject().put("properties",
                new JsonObject().put("shareiscsi", "on")));
        assertEquals(200, on.status(), on.body());
        assertEquals("on", value(on.json(), "shareiscsi"));
        assertEquals("LUN 0 of iqn.2026-11.io.cistern:shares", api.delete("/datasets/tank/v").error().split(": exported as ")[1]);
        assertEquals(200, api.patch("/datasets/tank/v", new JsonObject().put("properties",
                new JsonObject().put("shareiscsi", true))).status(), "already on: nothing to do");
        assertEquals(1, api.shares.units().size());

        JsonObject shared = api.get("/datasets/tank/v").json();
        ApiFixture.Answer tooBig = api.patch("/datasets/tank/v", new JsonObject().put("properties",
                new JsonObject().put("shareiscsi", "off").put("volsize", 400 * MiB)));
        assertEquals(507, tooBig.status(), tooBig.body());
        assertEquals(shared, api.get("/datasets/tank/v").json(), "the export is put back when the pool refuses");
        assertEquals(List.of(0L), api.shares.units().stream().map(u -> u.number()).toList());

        ApiFixture.Answer off = api.patch("/datasets/tank/v", new JsonObject().put("properties",
                new JsonObject().put("shareiscsi", "off").put("readonly", "on")));
        assertEquals(200, off.status(), off.body());
        assertEquals("off", value(off.json(), "shareiscsi"));
        assertEquals("on", value(off.json(), "readonly"));

        api.shareRefusal = ApiException.conflict("shareiscsi needs a share-target in the configuration");
        ApiFixture.Answer refused = api.patch("/datasets/tank/v", new JsonObject().put("properties",
                new JsonObject().put("shareiscsi", "on").put("readonly", "off")));
        assertEquals(409, refused.status());
        assertEquals("shareiscsi needs a share-target in the configuration", refused.error());
        assertEquals("on", value(api.get("/datasets/tank/v").json(), "readonly"), "nothing changed");
        ApiFixture.Answer notCreated = api.post("/datasets", new JsonObject().put("name", "tank/w").put("volsize", MiB)
                .put("properties", new JsonObject().put("shareiscsi", "on")));
        assertEquals(409, notCreated.status());
        assertEquals(List.of("v"), tank.list(), "a create refused for its export leaves no volume");

        api.shareRefusal = null;
        ApiFixture.Answer created = api.post("/datasets", new JsonObject().put("name", "tank/w").put("volsize", MiB)
                .put("properties", new JsonObject().put("shareiscsi", "on")));
        assertEquals(201, created.status(), created.body());
        assertEquals("on", value(created.json(), "shareiscsi"));
        assertEquals(404, api.patch("/datasets/tank/nope", new JsonObject().put("properties",
                new JsonObject().put("shareiscsi", "on"))).status());
        assertEquals(1, api.shares.units().size());
    }

    @Test
    void reloadAnswersWhatChangedOrEveryProblem() {
        api.reloadChanges = List.of("LUN added: iqn.2026-11.io.cistern:t 1 (tank/v)");
        ApiFixture.Answer done = api.post("/reload", null);
        assertEquals(200, done.status(), done.body());
        assertEquals(new JsonObject().put("changes", new JsonArray(api.reloadChanges)), done.json());
        assertEquals(400, api.post("/reload?force=true", null).status());
        assertEquals("unknown field 'config' (known: )", api.post("/reload", new JsonObject().put("config", "x")).error());
        api.reloadRefusal = ApiException.badRequest("configuration not reloaded, nothing changed: 1 problem(s):\n"
                + "/etc/cistern.conf:3: cistern.targets.t.iqn: not an iSCSI name");
        ApiFixture.Answer refused = api.post("/reload", null);
        assertEquals(400, refused.status());
        assertEquals(api.reloadRefusal.getMessage(), refused.error());
        assertEquals(2, api.reloads, "the malformed requests reached no reload");
    }

    @Test
    void unknownEndpointsAndMethodsAnswerJson() {
        ApiFixture.Answer none = api.get("/volumes");
        assertEquals(404, none.status());
        assertEquals("no such endpoint: /api/v1/volumes", none.error());
        ApiFixture.Answer put = api.send("PUT", "/pools", "{}", api.token);
        assertEquals(405, put.status());
        assertEquals("PUT is not allowed on /api/v1/pools", put.error());
        char[] big = new char[70_000];
        Arrays.fill(big, ' ');
        assertEquals(413, api.send("POST", "/datasets", "{" + new String(big) + "}", api.token).status());
    }

    private static ByteBuffer block(int fill) {
        byte[] b = new byte[4096];
        Arrays.fill(b, (byte) fill);
        return ByteBuffer.wrap(b);
    }
}
