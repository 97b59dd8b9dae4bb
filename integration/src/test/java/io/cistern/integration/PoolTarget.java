package io.cistern.integration;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.cistern.daemon.Daemon;
import io.cistern.thinpool.pool.Pool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Cistern daemon in this JVM serving thin-pool volumes: the pools come from a HOCON snippet
 * ({@code cistern.pools { ... }}), and each volume named {@code pool/vol} gets its own target
 * ({@code iqn.2026-11.io.cistern:pool-vol}) with the volume as LUN 0, so that {@link RawIscsiClient}
 * (LUN 0 only) reaches every volume. All targets share one loopback portal.
 * {@link #restart()} closes the daemon and starts it again on the same data directory and port.
 */
final class PoolTarget implements AutoCloseable {
    static final String IQN_PREFIX = "iqn.2026-11.io.cistern:";

    /** The target of {@link #startSharing}: no LUN of its own, the share-target of {@code shareiscsi=on}. */
    static final String SHARE_IQN = IQN_PREFIX + "share";

    private final Path dataDir;
    private final String pools;
    private List<String> volumes;
    private final boolean sharing;
    private final int port;
    private Daemon daemon;

    private PoolTarget(Path dataDir, String pools, List<String> volumes, boolean sharing, int port) throws IOException {
        this.dataDir = dataDir;
        this.pools = pools;
        this.volumes = List.copyOf(volumes);
        this.sharing = sharing;
        this.port = port;
        this.daemon = Daemon.start(config());
    }

    /**
     * @param pools   the body of {@code cistern.pools}, e.g. {@code tank { file = "tank.pool", size = 1G, volumes { ... } }}
     * @param volumes the volumes to serve, as {@code pool/volume}
     */
    static PoolTarget start(Path dataDir, String pools, List<String> volumes) throws IOException {
        return new PoolTarget(dataDir, pools, volumes, false, freePort());
    }

    /**
     * The pools with one target, {@link #SHARE_IQN}, and no LUNs: volumes are made and exported with the CLI
     * ({@code cistern create}, {@code cistern set shareiscsi=on}), as an operator does.
     */
    static PoolTarget startSharing(Path dataDir, String pools) throws IOException {
        return new PoolTarget(dataDir, pools, List.of(), true, freePort());
    }

    private Config config() {
        Map<String, Object> targets = new LinkedHashMap<>();
        for (String v : volumes) {
            targets.put(v.replace('/', '-').replace('@', '-'), Map.of(
                    "iqn", iqn(v),
                    "portals", List.of("127.0.0.1:" + port),
                    "luns", List.of(Map.of("lun", 0, "volume", v))));
        }
        if (sharing) {
            targets.put("share", Map.of("iqn", SHARE_IQN, "portals", List.of("127.0.0.1:" + port), "luns", List.of()));
        }
        return ConfigFactory.parseString("cistern.pools { " + pools + " }" + (sharing ? "\ncistern.share-target = share" : ""))
                .withValue("cistern.data-dir", ConfigValueFactory.fromAnyRef(dataDir.toAbsolutePath().toString()))
                .withValue("cistern.targets", ConfigValueFactory.fromMap(targets))
                .withValue("cistern.api.listen", ConfigValueFactory.fromIterable(List.of("127.0.0.1:0")))
                .withFallback(ConfigFactory.defaultReference()).resolve();
    }

    static String iqn(String volume) {
        return IQN_PREFIX + volume.replace('/', '-').replace('@', '.');
    }

    Daemon daemon() {
        return daemon;
    }

    Pool pool(String name) {
        return daemon.pool(name);
    }

    InetSocketAddress portal() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    IscsiUrl url(String volume) {
        return new IscsiUrl("127.0.0.1", port, iqn(volume), 0);
    }

    /** LUN {@code lun} of the share target. */
    IscsiUrl sharedUrl(int lun) {
        return new IscsiUrl("127.0.0.1", port, SHARE_IQN, lun);
    }

    /** {@code bin/cistern}'s management commands against this daemon's API, with the token of its data directory. */
    CisternCli cli() {
        InetSocketAddress api = daemon.api().addresses().get(0);
        return new CisternCli(java.net.URI.create("http://127.0.0.1:" + api.getPort()), dataDir.resolve("api.token"));
    }

    /** A logged-in raw client on {@code volume}'s target with its power-on unit attention cleared. */
    RawIscsiClient client(String volume) throws IOException {
        RawIscsiClient c = new RawIscsiClient(portal());
        try {
            c.login(RawIscsiClient.normalLoginKeys(iqn(volume)));
            c.clearUnitAttentions();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Stops the daemon (clean: flush, pools closed) without starting it again. */
    void stop() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
    }

    /** Stops the daemon if running and starts it again on the same data directory and port. */
    void restart() throws IOException {
        stop();
        daemon = Daemon.start(config());
    }

    /** Restarts serving {@code volumes} instead (snapshots, as {@code pool/vol@snap}, exist only later). */
    void restart(List<String> newVolumes) throws IOException {
        stop();
        volumes = List.copyOf(newVolumes);
        daemon = Daemon.start(config());
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
