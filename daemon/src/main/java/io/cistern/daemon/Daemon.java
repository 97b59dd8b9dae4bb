package io.cistern.daemon;

import com.typesafe.config.Config;
import io.cistern.console.ApiServer;
import io.cistern.console.http.ApiTokens;
import io.cistern.daemon.config.ConfigValidator;
import io.cistern.daemon.config.PortalAddress;
import io.cistern.daemon.config.InvalidConfigException;
import io.cistern.target.login.TargetLimits;
import io.cistern.target.session.FabricSettings;
import io.cistern.target.session.IscsiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running appliance: builds the targets and their LUNs from the configuration, starts the
 * iSCSI fabric, and stops it all cleanly. The only place that knows every module.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final IscsiServer server;
    private final Targets targets;
    private final Pools pools;
    private final Path dataDir;
    private final Supplier<Config> source;
    private ApiServer api; // set once, as start returns: the API serves this daemon
    private Config running;

    private Daemon(IscsiServer server, Targets targets, Pools pools, Path dataDir, Supplier<Config> source,
                   Config running) {
        this.server = server;
        this.targets = targets;
        this.pools = pools;
        this.dataDir = dataDir;
        this.source = source;
        this.running = running;
    }

    /** {@link #start(Config, Supplier)} of a configuration that is not read from a file: a reload applies it again. */
    public static Daemon start(Config config) throws IOException {
        return start(config, () -> config);
    }

    /**
     * Starts the appliance described by {@code config} (resolved, with reference.conf under it). It is
     * validated first: on any problem nothing is created or bound. {@code source} reads the
     * configuration again for {@link #reload()}.
     *
     * @throws InvalidConfigException with every problem of the configuration
     */
    public static Daemon start(Config config, Supplier<Config> source) throws IOException {
        Config c = ConfigValidator.valid(config).getConfig("cistern");
        Logging.apply(c.getConfig("logging"));
        Path dataDir = Path.of(c.getString("data-dir"));
        Files.createDirectories(dataDir);
        Pools pools = Pools.open(c, dataDir);
        Targets targets = new Targets(dataDir, pools);
        try {
            targets.apply(Shares.withShares(TargetSpec.all(c), c, pools), null);
            IscsiServer server = new IscsiServer(targets.registry(), fabric(c.getConfig("iscsi")));
            server.start(List.copyOf(targets.portals()));
            try {
                Daemon daemon = new Daemon(server, targets, pools, dataDir, source, c);
                daemon.api = ApiServer.start(new DaemonAppliance(daemon, pools, targets, server),
                        ApiTokens.load(dataDir.resolve("api.token"), c.getStringList("api.token-sha256")),
                        c.getStringList("api.listen").stream().map(p -> PortalAddress.parse(p, 0).socketAddress()).toList());
                return daemon;
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
        } catch (RuntimeException | IOException e) {
            targets.close();
            pools.close();
            throw e;
        }
    }

    /**
     * Reads the configuration again (the file given at start, with its includes and the environment's
     * overrides) and applies it: SIGHUP and {@code cistern reload}.
     *
     * @throws InvalidConfigException with every problem of the configuration; then nothing changes
     */
    public List<String> reload() throws IOException {
        return reload(source.get());
    }

    /**
     * Applies a changed configuration without a restart: the logging levels, new pools and declared
     * volumes, targets and LUNs added, changed or removed, portals bound or released. Sessions of
     * targets it does not touch go on untouched. What only a restart can change (the iSCSI settings,
     * the data directory, an open pool's settings) is reported, not applied. Returns what changed.
     *
     * @throws InvalidConfigException with every problem of the configuration; then nothing changes
     */
    public synchronized List<String> reload(Config config) throws IOException {
        Config c = ConfigValidator.valid(config).getConfig("cistern");
        List<String> changes = new ArrayList<>();
        if (!c.getConfig("logging").equals(running.getConfig("logging"))) {
            Logging.apply(c.getConfig("logging"));
            changes.add("logging levels changed");
        }
        if (!Path.of(c.getString("data-dir")).equals(dataDir)) {
            changes.add("data-dir changed: it applies after a restart");
        } else {
            if (!c.getConfig("iscsi").equals(running.getConfig("iscsi"))) {
                changes.add("iscsi settings changed: they apply after a restart");
            }
            changes.addAll(pools.reload(c, dataDir));
            Set<InetSocketAddress> before = targets.portals();
            changes.addAll(targets.apply(Shares.withShares(TargetSpec.all(c), c, pools), server.sessions()));
            Set<InetSocketAddress> after = targets.portals();
            for (InetSocketAddress portal : after) {
                if (!before.contains(portal)) {
                    server.listen(portal);
                    changes.add("portal listening: " + portal);
                }
            }
            for (InetSocketAddress portal : before) {
                if (!after.contains(portal)) {
                    server.stopListening(portal);
                    changes.add("portal closed: " + portal);
                }
            }
            running = c;
        }
        log.info("reload: {}", changes.isEmpty() ? "no changes" : String.join("; ", changes));
        return changes;
    }

    /**
     * {@code shareiscsi=on|off} for {@code pool/volume}: exports it as the next free LUN of the share
     * target, or ends that export, at once (live sessions see REPORTED LUNS DATA HAS CHANGED) and for
     * good (the property is stored with the volume). Returns what changed.
     */
    public synchronized List<String> shareiscsi(String path, boolean on) throws IOException {
        List<TargetSpec> configured = TargetSpec.all(running);
        Shares.set(pools, running, configured, path, on);
        return targets.apply(Shares.withShares(configured, running, pools), server.sessions());
    }

    public IscsiServer server() {
        return server;
    }

    /** The management API, with the addresses it listens on. */
    public ApiServer api() {
        return api;
    }

    /** A configured thin pool, for management (snapshots, properties). */
    public io.cistern.thinpool.pool.Pool pool(String name) {
        return pools.pool(name);
    }

    /** Clean stop: initiators are asked to log out, then LUNs are flushed and closed. */
    @Override
    public void close() {
        api.close(); // first, so that no management call races the stop
        server.close();
        targets.close();
        pools.close();
        log.info("stopped");
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

}
