package io.cistern.console;

import io.cistern.target.backend.LunBackend;
import io.cistern.target.session.IscsiSession;
import io.cistern.target.session.TargetNode;
import io.cistern.thinpool.pool.Pool;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the management API manages, as the daemon (the composition root) hands it over. The API
 * reads targets and sessions and runs pool operations; exports and the configuration it leaves to the
 * daemon, through {@link #shareiscsi} and {@link #reload}.
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

    /**
     * {@code shareiscsi=on|off} for the volume {@code dataset} ({@code pool/volume}): exports it as the next
     * free LUN of the share target, or ends that export, at once and across restarts. Nothing changes if it
     * is refused. Returns what changed, one line each (empty: it already was so).
     *
     * @throws io.cistern.console.http.ApiException when the appliance refuses (no share target; a LUN the
     *     configuration maps, which only the configuration changes)
     */
    List<String> shareiscsi(String dataset, boolean on) throws IOException;

    /**
     * Reads the configuration file again and applies the difference, exactly as SIGHUP does. Returns what
     * changed, one line each.
     *
     * @throws io.cistern.console.http.ApiException 400 with every problem of an invalid file; nothing applied
     */
    List<String> reload() throws IOException;
}
