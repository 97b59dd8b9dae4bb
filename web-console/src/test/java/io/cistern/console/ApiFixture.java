package io.cistern.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cistern.console.http.ApiException;
import io.cistern.console.http.ApiTokens;
import io.cistern.target.backend.MemoryBackend;
import io.cistern.target.login.Portal;
import io.cistern.target.scsi.LogicalUnit;
import io.cistern.target.scsi.ScsiTargetDevice;
import io.cistern.target.backend.LunBackend;
import io.cistern.target.session.IscsiSession;
import io.cistern.target.session.TargetNode;
import io.cistern.thinpool.device.MemoryDevice;
import io.cistern.thinpool.kv.MemoryKeyValueStore;
import io.cistern.thinpool.pool.Pool;
import io.cistern.thinpool.pool.PoolConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The API over real pools (in memory) on 127.0.0.1, any free port, and a JDK HTTP client that
 * speaks to it with the token of the data directory.
 */
final class ApiFixture implements AutoCloseable, Appliance {
    static final long MiB = 1L << 20;

    final Map<String, Pool> pools = new LinkedHashMap<>();
    final List<TargetNode> targets = new ArrayList<>();
    final List<IscsiSession> sessions = new ArrayList<>();
    final Map<LunBackend, String> backings = new IdentityHashMap<>();
    /** The share target's device: shareiscsi=on adds a LUN backed by the volume (in memory) at the first free number. */
    final ScsiTargetDevice shares = new ScsiTargetDevice();
    /** What shareiscsi and reload answer instead, when set: the daemon's refusals. */
    ApiException shareRefusal;
    ApiException reloadRefusal;
    List<String> reloadChanges = List.of();
    int reloads;
    final String token;
    private final ApiServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    ApiFixture(Path dataDir, List<String> tokenDigests) throws IOException {
        server = ApiServer.start(this, ApiTokens.load(dataDir.resolve("api.token"), tokenDigests),
                List.of(new InetSocketAddress("127.0.0.1", 0)));
        token = Files.readString(dataDir.resolve("api.token")).strip();
        base = URI.create("http://127.0.0.1:" + server.addresses().get(0).getPort() + "/api/v1");
    }

    ApiFixture(Path dataDir) throws IOException {
        this(dataDir, List.of());
    }

    Pool memoryPool(String name, long size) throws IOException {
        Pool pool = Pool.create(name, new MemoryDevice(size), new MemoryKeyValueStore(), PoolConfig.defaults());
        pools.put(name, pool);
        return pool;
    }

    ApiServer server() {
        return server;
    }

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonObject json() {
            return new JsonObject(body);
        }

        JsonArray array() {
            return new JsonArray(body);
        }

        String error() {
            return json().getString("error");
        }
    }

    Answer get(String path) {
        return send("GET", path, null, token);
    }

    Answer post(String path, Object body) {
        return send("POST", path, body == null ? null : body.toString(), token);
    }

    Answer patch(String path, Object body) {
        return send("PATCH", path, body.toString(), token);
    }

    Answer delete(String path) {
        return send("DELETE", path, null, token);
    }

    /**
     * Polls the operation at {@code location} (its Location header) every 10 ms while it runs, at
     * most {@code polls} times, checking that its progress never goes back; returns its last state.
     */
    JsonObject awaitOperation(String location, JsonObject op, int polls) throws InterruptedException {
        double last = 0;
        for (int i = 0; i < polls && op.getString("state").equals("running"); i++) {
            assertTrue(op.getDouble("progress") >= last, op::encode);
            last = op.getDouble("progress");
            Thread.sleep(10);
            op = get(location.substring("/api/v1".length())).json();
        }
        return op;
    }

    Answer send(String method, String path, String body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, Pool> pools() {
        return pools;
    }

    @Override
    public Collection<TargetNode> targets() {
        return targets;
    }

    @Override
    public Collection<IscsiSession> sessions() {
        return sessions;
    }

    @Override
    public String backing(LunBackend backend) {
        return backings.getOrDefault(backend, "?");
    }

    @Override
    public synchronized List<String> shareiscsi(String dataset, boolean on) {
        if (shareRefusal != null) {
            throw shareRefusal;
        }
        if (!targets.stream().anyMatch(t -> t.scsi() == shares)) {
            targets.add(new TargetNode("iqn.2026-11.io.cistern:shares", Optional.empty(), 1,
                    List.of(new Portal("127.0.0.1", 3260, 1)), Set.of(), Optional.empty(), shares));
        }
        for (LogicalUnit unit : shares.units()) {
            if (backings.get(unit.backend()).equals(dataset)) {
                if (on) {
                    return List.of();
                }
                shares.removeLun(unit.number());
                return List.of("LUN removed: " + unit.number());
            }
        }
        if (!on) {
            return List.of();
        }
        Set<Long> taken = new java.util.HashSet<>();
        shares.units().forEach(u -> taken.add(u.number()));
        long lun = 0;
        while (taken.contains(lun)) {
            lun++;
        }
        MemoryBackend backend = new MemoryBackend(2048, 512);
        backings.put(backend, dataset);
        shares.addLun(lun, backend, Set.of());
        return List.of("LUN added: " + lun);
    }

    @Override
    public synchronized List<String> reload() {
        reloads++;
        if (reloadRefusal != null) {
            throw reloadRefusal;
        }
        return reloadChanges;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Pool p : pools.values()) {
            p.close();
        }
    }
}
