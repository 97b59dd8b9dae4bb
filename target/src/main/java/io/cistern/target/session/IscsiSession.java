package io.cistern.target.session;

import io.cistern.target.login.SessionParameters;
import io.cistern.target.login.SessionType;
import io.cistern.target.scsi.ItNexus;
import java.time.Instant;
import java.util.Optional;

/**
 * One iSCSI session after login: what was negotiated, which target node it reached and its I_T
 * nexus. Cistern negotiates MaxConnections=1, so a session has exactly one {@link Connection}.
 *
 * @param target  empty for a Discovery session
 * @param nexus   empty for a Discovery session
 * @param remote  the initiator's address, for logs and session listings
 */
public record IscsiSession(int tsih, SessionParameters parameters, Optional<TargetNode> target,
                           Optional<ItNexus> nexus, String remote, Instant since) {

    public boolean discovery() {
        return parameters.sessionType() == SessionType.DISCOVERY;
    }

    public String initiatorName() {
        return parameters.initiatorName();
    }

    /** The ISID as RFC 7143 prints it in port names: 12 hex digits. */
    public String isidHex() {
        return String.format("%012x", parameters.isid());
    }

    @Override
    public String toString() {
        return (discovery() ? "discovery" : target.map(TargetNode::name).orElse("?")) + " session tsih="
                + tsih + " from " + initiatorName() + " isid=" + isidHex() + " at " + remote;
    }
}
