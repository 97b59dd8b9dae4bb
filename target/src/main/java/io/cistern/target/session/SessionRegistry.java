package io.cistern.target.session;

import io.cistern.target.login.LoginStatus;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every live session of the appliance, by TSIH and by I_T nexus identity (initiator name, ISID,
 * target), so that a new login with the same ISID reinstates the old session (RFC 7143 §6.3.5):
 * the old connection is closed and its tasks end before the new session starts.
 *
 * <p>Thread-safe: logins on every event loop admit and remove sessions.
 */
public final class SessionRegistry {
    private record Identity(String initiatorName, long isid, String target) {
    }

    private final Map<Integer, Connection> byTsih = new ConcurrentHashMap<>();
    private final Map<Identity, Connection> byIdentity = new ConcurrentHashMap<>();
    private int nextTsih = 1;

    /**
     * Checks a login that names an existing session (TSIH not 0): with MaxConnections=1 there is no
     * room for another connection, and an unknown TSIH is an error.
     */
    public LoginStatus checkExistingSession(int tsih) {
        return byTsih.containsKey(tsih) ? LoginStatus.TOO_MANY_CONNECTIONS : LoginStatus.SESSION_DOES_NOT_EXIST;
    }

    /** A fresh TSIH, never 0 and not in use. */
    public synchronized int allocateTsih() {
        for (int tries = 0; tries < 65535; tries++) {
            int tsih = nextTsih;
            nextTsih = nextTsih == 65535 ? 1 : nextTsih + 1;
            if (!byTsih.containsKey(tsih)) {
                return tsih;
            }
        }
        throw new IllegalStateException("all 65535 TSIHs in use");
    }

    /**
     * Registers the connection of a new session, returning the connection of the session it
     * reinstates (same initiator, ISID and target), if any, for the caller to close.
     */
    public Optional<Connection> admit(Connection connection) {
        IscsiSession s = connection.session();
        byTsih.put(s.tsih(), connection);
        Connection old = byIdentity.put(identity(s), connection);
        if (old != null) {
            byTsih.remove(old.session().tsih(), old);
        }
        return Optional.ofNullable(old);
    }

    /** Forgets a closed connection's session, unless a reinstating session already replaced it. */
    public void remove(Connection connection) {
        IscsiSession s = connection.session();
        byTsih.remove(s.tsih(), connection);
        byIdentity.remove(identity(s), connection);
    }

    public Collection<Connection> connections() {
        return List.copyOf(byTsih.values());
    }

    private static Identity identity(IscsiSession s) {
        return new Identity(s.initiatorName(), s.parameters().isid(),
                Objects.requireNonNullElse(s.target().map(TargetNode::name).orElse(null), ""));
    }
}
