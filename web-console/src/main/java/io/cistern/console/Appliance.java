package io.cistern.console;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.session.IscsiSession;
import io.cistern.target.session.TargetNode;
import io.cistern.thinpool.pool.Pool;
import java.util.Collection;
import java.util.Map;

/**
 * What the management API manages, as the daemon (the composition root) hands it over. The API
 * reads targets and sessions and runs pool operations; it starts and stops nothing itself.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public interface Appliance {

    /** The open pools by name, in configuration order. */
    Map<String, Pool> pools();

    /** The target nodes served. */
    Collection<TargetNode> targets();

    /** Every logged-in session (discovery sessions included). */
    Collection<IscsiSession> sessions();

    /** A LUN's storage as the configuration names it: {@code tank/vm1} for a volume, {@code file:lun0.img} for a file. */
    String backing(LunBackend backend);
}
