package io.cistern.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.cistern.console.ApiServer;
import io.cistern.console.http.ApiTokens;
import io.cistern.daemon.lun.ThinLunBackend;
import io.cistern.target.backend.FileBackend;
import io.cistern.target.backend.LunBackend;
import io.cistern.target.login.ChapConfig;
import io.cistern.target.login.ChapSecret;
import io.cistern.target.login.Portal;
import io.cistern.target.login.TargetLimits;
import io.cistern.target.scsi.ScsiTargetDevice;
import io.cistern.target.session.FabricSettings;
import io.cistern.target.session.IscsiServer;
import io.cistern.target.session.TargetNode;
import io.cistern.target.session.TargetRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running appliance: builds the targets and their LUNs from the configuration, starts the
 * iSCSI fabric, and stops it all cleanly. The only place that knows every module.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final IscsiServer server;
    private final ApiServer api;
    private final List<LunBackend> backends;
    private final Pools pools;

    private Daemon(IscsiServer server, ApiServer api, List<LunBackend> backends, Pools pools) {
        this.server = server;
        this.api = api;
        this.backends = backends;
        this.pools = pools;
    }

    /** Starts the appliance described by {@code config} (already resolved, with reference.conf under it). */
    public static Daemon start(Config config) throws IOException {
        Config c = config.getConfig("cistern");
        Path dataDir = Path.of(c.getString("data-dir"));
        Files.createDirectories(dataDir);
        TargetRegistry registry = new TargetRegistry();
        List<LunBackend> backends = new ArrayList<>();
        Map<LunBackend, String> backings = new IdentityHashMap<>(); // what each LUN is, for the API
        Set<InetSocketAddress> portals = new LinkedHashSet<>();
        Pools pools = Pools.open(c, dataDir);
        try {
            Config targets = c.getConfig("targets");
            for (String name : targets.root().keySet()) {
                Config t = targets.getConfig(name).withFallback(c.getConfig("target-defaults"));
                ScsiTargetDevice device = new ScsiTargetDevice();
                for (Config lun : t.getConfigList("luns")) {
                    Config l = lun.withFallback(c.getConfig("lun-defaults"));
                    LunBackend backend = l.hasPath("volume") ? thinLun(pools, l) : fileLun(dataDir, l);
                    backends.add(backend);
                    backings.put(backend, l.hasPath("volume") ? l.getString("volume") : "file:" + l.getString("file"));
                    device.addLun(l.getInt("lun"), backend, Set.copyOf(l.getStringList("initiators")));
                }
                int tpgt = t.getInt("portal-group-tag");
                List<Portal> targetPortals = new ArrayList<>();
                for (String p : t.getStringList("portals")) {
                    InetSocketAddress address = parsePortal(p);
                    portals.add(address);
                    targetPortals.add(new Portal(address.getHostString(), address.getPort(), tpgt));
                }
                registry.add(new TargetNode(t.getString("iqn"),
                        t.hasPath("alias") ? Optional.of(t.getString("alias")) : Optional.empty(), tpgt,
                        targetPortals, new HashSet<>(t.getStringList("acl")), chap(t), device));
                log.info("target {} with {} LUN(s) on {}", t.getString("iqn"), t.getConfigList("luns").size(),
                        t.getStringList("portals"));
            }
            IscsiServer server = new IscsiServer(registry, fabric(c.getConfig("iscsi")));
            server.start(List.copyOf(portals));
            try {
                ApiServer api = ApiServer.start(new DaemonAppliance(pools, registry, server, backings),
                        ApiTokens.load(dataDir.resolve("api.token"), c.getStringList("api.token-sha256")),
                        c.getStringList("api.listen").stream().map(Daemon::parsePortal).toList());
                return new Daemon(server, api, backends, pools);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
        } catch (RuntimeException | IOException e) {
            backends.forEach(LunBackend::close);
            pools.close();
            throw e;
        }
    }

    public IscsiServer server() {
        return server;
    }

    /** The management API, with the addresses it listens on. */
    public ApiServer api() {
        return api;
    }

    /** A configured thin pool, for management (snapshots, properties) until the API of issue 5. */
    public io.cistern.thinpool.pool.Pool pool(String name) {
        return pools.pool(name);
    }

    /** Clean stop: the API first, so no management call races it; initiators are asked to log out; LUNs flushed, closed. */
    @Override
    public void close() {
        api.close();
        server.close();
        for (LunBackend backend : backends) {
            try {
                backend.flush().join();
            } catch (RuntimeException e) {
                log.error("flush failed on close: {}", e.toString());
            }
            backend.close();
        }
        pools.close();
        log.info("stopped");
    }

    private static LunBackend thinLun(Pools pools, Config l) {
        var volume = pools.volume(l.getString("volume"));
        return new ThinLunBackend(volume.getKey(), volume.getValue());
    }

    private static LunBackend fileLun(Path dataDir, Config l) throws IOException {
        Path file = dataDir.resolve(l.getString("file"));
        if (!Files.exists(file)) {
            if (!l.hasPath("size")) {
                throw new ConfigException.Missing(l.origin(), "size");
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(l.getBytes("size")); // sparse: blocks are allocated as they are written
            }
            log.info("created sparse LUN file {} ({} bytes)", file, l.getBytes("size"));
        }
        return new FileBackend(file, l.getInt("block-size"), l.getBoolean("read-only"), FileBackend.identityOf(file), 4);
    }

    private static Optional<ChapConfig> chap(Config t) {
        if (!t.hasPath("chap")) {
            return Optional.empty();
        }
        Config chap = t.getConfig("chap");
        ChapSecret initiator = new ChapSecret(chap.getString("user"), chap.getString("secret"));
        if (chap.hasPath("mutual-user")) {
            return Optional.of(ChapConfig.mutual(initiator,
                    new ChapSecret(chap.getString("mutual-user"), chap.getString("mutual-secret"))));
        }
        return Optional.of(ChapConfig.oneWay(initiator.name(), initiator.secret()));
    }

    private static FabricSettings fabric(Config i) {
        TargetLimits limits = new TargetLimits(i.getStringList("header-digests"), i.getStringList("data-digests"),
                (int) i.getBytes("max-recv-data-segment-length").longValue(),
                (int) i.getBytes("max-burst-length").longValue(), (int) i.getBytes("first-burst-length").longValue(),
                1, i.getInt("max-outstanding-r2t"), i.getBoolean("initial-r2t"), i.getBoolean("immediate-data"),
                true, true, 2, 0, 0);
        return new FabricSettings(limits, i.getInt("queue-depth"), (int) i.getBytes("max-write-length").longValue(),
                i.getDuration("nop-in-interval"), i.getDuration("nop-in-timeout"), i.getDuration("login-timeout"),
                i.getDuration("logout-grace"), i.getInt("event-loop-threads"));
    }

    /** {@code host:port}, with IPv6 hosts in brackets: {@code [::1]:3260}. */
    static InetSocketAddress parsePortal(String portal) {
        int colon = portal.lastIndexOf(':');
        if (colon < 0 || colon == portal.length() - 1) {
            throw new IllegalArgumentException("portal " + portal + " is not host:port");
        }
        String host = portal.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(portal.substring(colon + 1));
        return new InetSocketAddress(host, port);
    }
}
