package io.cistern.target.login;

import java.util.List;
import java.util.Optional;

/**
 * The target configuration login consults, supplied by the daemon. Called on the login path, so
 * implementations must answer from memory without blocking. An exception thrown here becomes
 * login status 0x0300 (target error).
 */
public interface TargetDirectory {

    /** Finds a target by its iSCSI name (the TargetName key). */
    TargetLookup lookup(String targetName);

    /** The ACL: may this initiator log in to this target? */
    boolean allows(TargetInfo target, String initiatorName);

    /** CHAP required for discovery sessions; empty means AuthMethod=None. */
    Optional<ChapConfig> discoveryAuth();

    /** Whether discovery sessions are accepted at all. */
    default boolean discoveryEnabled() {
        return true;
    }

    /** Targets this initiator may see, for SendTargets in a discovery session. */
    List<TargetInfo> visibleTo(String initiatorName);
}
