package io.cistern.daemon;

import io.cistern.console.Appliance;
import io.cistern.target.backend.LunBackend;
import io.cistern.target.session.Connection;
import io.cistern.target.session.IscsiServer;
import io.cistern.target.session.IscsiSession;
import io.cistern.target.session.TargetNode;
import io.cistern.thinpool.pool.Pool;
import java.util.Collection;
import java.util.Map;

/** What the management API sees of the running daemon: its pools, targets, sessions and what backs each LUN. */
final class DaemonAppliance implements Appliance {
    private final Pools pools;
    private final Targets targets;
    private final IscsiServer server;

    DaemonAppliance(Pools pools, Targets targets, IscsiServer server) {
        this.pools = pools;
        this.targets = targets;
        this.server = server;
    }

    @Override
    public Map<String, Pool> pools() {
        return pools.all();
    }

    @Override
    public Collection<TargetNode> targets() {
        return targets.registry().nodes();
    }

    @Override
    public Collection<IscsiSession> sessions() {
        return server.sessions().connections().stream().map(Connection::session).toList();
    }

    @Override
    public String backing(LunBackend backend) {
        return targets.backing(backend);
    }
}
