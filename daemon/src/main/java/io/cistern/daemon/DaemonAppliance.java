package io.cistern.daemon;

import io.cistern.console.Appliance;
import io.cistern.target.backend.LunBackend;
import io.cistern.target.session.Connection;
import io.cistern.target.session.IscsiServer;
import io.cistern.target.session.IscsiSession;
import io.cistern.target.session.TargetNode;
import io.cistern.target.session.TargetRegistry;
import io.cistern.thinpool.pool.Pool;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/** What the management API sees of the running daemon: its pools, targets, sessions and what backs each LUN. */
final class DaemonAppliance implements Appliance {
    private final Pools pools;
    private final TargetRegistry registry;
    private final IscsiServer server;
    private final Map<LunBackend, String> backings;

    /** @param backings each LUN's backend and its name in the configuration (pool/volume or file:name) */
    DaemonAppliance(Pools pools, TargetRegistry registry, IscsiServer server, Map<LunBackend, String> backings) {
        this.pools = pools;
        this.registry = registry;
        this.server = server;
        this.backings = new IdentityHashMap<>(backings);
    }

    @Override
    public Map<String, Pool> pools() {
        return pools.all();
    }

    @Override
    public Collection<TargetNode> targets() {
        return registry.nodes();
    }

    @Override
    public Collection<IscsiSession> sessions() {
        return server.sessions().connections().stream().map(Connection::session).toList();
    }

    @Override
    public String backing(LunBackend backend) {
        return backings.getOrDefault(backend, "?");
    }
}
