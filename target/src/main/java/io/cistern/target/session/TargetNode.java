package io.cistern.target.session;

import io.cistern.target.login.ChapConfig;
import io.cistern.target.login.Portal;
import io.cistern.target.login.TargetInfo;
import io.cistern.target.scsi.ScsiTarget;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An iSCSI target node: its name and portals as initiators see them, who may log in, and the SCSI
 * target device behind it.
 *
 * @param allowedInitiators initiator names allowed to log in; empty allows every initiator
 * @param chap              CHAP required of initiators; empty means AuthMethod=None
 */
public record TargetNode(String name, Optional<String> alias, int portalGroupTag, List<Portal> portals,
                         Set<String> allowedInitiators, Optional<ChapConfig> chap, ScsiTarget scsi) {

    public TargetNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scsi, "scsi");
        portals = List.copyOf(portals);
        allowedInitiators = Set.copyOf(allowedInitiators);
    }

    /** What login and SendTargets need to know of this node. */
    public TargetInfo info() {
        return new TargetInfo(name, alias, portalGroupTag, chap, portals);
    }

    /** The ACL: deny by default once any initiator is listed. */
    public boolean allows(String initiatorName) {
        return allowedInitiators.isEmpty() || allowedInitiators.contains(initiatorName);
    }
}
