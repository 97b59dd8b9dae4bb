package io.cistern.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon serves its management API beside the iSCSI fabric: a session logged in over TCP shows in
 * {@code GET /sessions} with its initiator, ISID, TSIH, address, target and LUNs, the exported volume
 * reports shareiscsi=on and cannot be destroyed under it, and the session is gone from the list once
 * it logs out. The client authenticates with the token the daemon wrote to its data directory.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ManagementApiTest {
    private static final String VOL = "tank/vm1";

    @TempDir
    Path tmp;
    private PoolTarget target;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void sessionsTargetsAndDatasetsOfTheRunningDaemon() throws Exception {
        target = PoolTarget.start(tmp, "tank { file = \"tank.pool\", size = 256M, volumes { vm1 { size = 64M } } }",
                List.of(VOL));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(tmp.resolve("api.token"))));
        assertEquals(new JsonArray(), new JsonArray(get("/sessions").body()));

        Instant before = Instant.now().minusSeconds(1);
        try (RawIscsiClient client = target.client(VOL)) {
            JsonArray sessions = new JsonArray(get("/sessions").body());
            assertEquals(1, sessions.size(), sessions::encode);
            JsonObject s = sessions.getJsonObject(0);
            assertEquals("iqn.2026-11.io.cistern:raw-client", s.getString("initiator"));
            assertEquals(PoolTarget.iqn(VOL), s.getString("target"));
            assertEquals(new JsonArray().add(0), s.getJsonArray("luns"));
            assertTrue(s.getString("isid").matches("8[0-9a-f]{11}"), s::encode);
            assertTrue(s.getInteger("tsih") > 0, s::encode);
            assertTrue(s.getString("address").matches("127\\.0\\.0\\.1:\\d+"), s::encode);
            assertTrue(Instant.parse(s.getString("since")).isAfter(before), s::encode);

            JsonObject t = new JsonArray(get("/targets").body()).getJsonObject(0);
            assertEquals(PoolTarget.iqn(VOL), t.getString("iqn"));
            assertEquals(new JsonArray().add(target.portal().getHostString() + ":" + target.portal().getPort()),
                    t.getJsonArray("portals"));
            assertEquals(new JsonObject().put("lun", 0).put("backing", VOL).put("size", 64L << 20),
                    t.getJsonArray("luns").getJsonObject(0));

            JsonObject vm1 = new JsonObject(get("/datasets/" + VOL).body());
            assertEquals("on", vm1.getJsonObject("properties").getJsonObject("shareiscsi").getString("value"));
            HttpResponse<String> refused = send("DELETE", "/datasets/" + VOL);
            assertEquals(409, refused.statusCode());
            assertEquals("cannot destroy 'tank/vm1': exported as LUN 0 of " + PoolTarget.iqn(VOL),
                    new JsonObject(refused.body()).getString("error"));
            assertEquals(200, get("/pools/tank").statusCode());
        }
        JsonArray left = new JsonArray(get("/sessions").body());
        for (int i = 0; i < 500 && !left.isEmpty(); i++) { // the target forgets the session once the socket closes
            Thread.sleep(10);
            left = new JsonArray(get("/sessions").body());
        }
        assertEquals(new JsonArray(), left);
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpResponse<String> r = send("GET", path);
        assertEquals(200, r.statusCode(), r.body());
        return r;
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        int port = target.daemon().api().addresses().get(0).getPort();
        String token = Files.readString(tmp.resolve("api.token")).strip();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
