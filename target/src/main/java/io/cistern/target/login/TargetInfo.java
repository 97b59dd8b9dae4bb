package io.cistern.target.login;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What login needs to know of one target.
 *
 * @param portalGroupTag the TPGT of the portal group the login arrived on
 * @param chap CHAP required of initiators; empty means AuthMethod=None
 * @param portals every portal the target listens on, reported by SendTargets
 */
public record TargetInfo(String name, Optional<String> alias, int portalGroupTag, Optional<ChapConfig> chap,
                         List<Portal> portals) {
    public TargetInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(chap, "chap");
        portals = List.copyOf(portals);
    }
}
