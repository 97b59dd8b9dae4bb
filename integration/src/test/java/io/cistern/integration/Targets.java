package io.cistern.integration;


/**
 * Chooses the target under test from the system property {@code peer}: {@code tgt} for the tgt peer,
 * {@code cistern} (the default) for Cistern.
 *
 * <p>Cistern runs in this JVM through {@link CisternTargetFactory}.
 */
public final class Targets {
    public static final String PEER_PROPERTY = "peer";

    private Targets() {
    }

    public static TargetFactory underTest() {
        String peer = System.getProperty(PEER_PROPERTY, "cistern").trim();
        if (peer.isEmpty()) {
            peer = "cistern";
        }
        return switch (peer) {
            case "tgt" -> new TgtPeer.Factory();
            case "cistern" -> cistern();
            default -> throw new IllegalArgumentException("-D" + PEER_PROPERTY + " must be tgt or cistern, not " + peer);
        };
    }

    private static TargetFactory cistern() {
        return new CisternTargetFactory();
    }
}
