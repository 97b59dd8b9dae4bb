package io.cistern.daemon;

import io.cistern.console.Appliance;
import io.cistern.console.http.ApiException;
import io.cistern.daemon.config.InvalidConfigException;
import io.cistern.target.backend.LunBackend;
import io.cistern.target.session.Connection;
import io.cistern.target.session.IscsiServer;
import io.cistern.target.session.IscsiSession;
import io.cistern.target.session.TargetNode;
import io.cistern.thinpool.pool.Pool;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the management API sees of the running daemon: its pools, targets, sessions and what backs each
 * LUN; exports and reloads are the daemon's own ({@link Daemon#shareiscsi}, {@link Daemon#reload()}),
 * their refusals turned into the API's.
 */
final class DaemonAppliance implements Appliance {
    private final Daemon daemon;
    private final Pools pools;
    private final Targets targets;
    private final IscsiServer server;

    DaemonAppliance(Daemon daemon, Pools pools, Targets targets, IscsiServer server) {
        this.daemon = daemon;
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

    @Override
    public List<String> shareiscsi(String dataset, boolean on) throws IOException {
        try {
            return daemon.shareiscsi(dataset, on);
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    @Override
    public List<String> reload() throws IOException {
        try {
            return daemon.reload();
        } catch (InvalidConfigException e) {
            throw ApiException.badRequest("configuration not reloaded, nothing changed: " + e.problems().size()
                    + " problem(s):\n" + e.getMessage());
        }
    }
}
