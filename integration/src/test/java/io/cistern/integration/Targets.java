package io.cistern.integration;

import java.lang.reflect.InvocationTargetException;

/**
 * Chooses the target under test from the system property {@code peer}: {@code tgt} for the tgt peer,
 * {@code cistern} (the default) for Cistern.
 *
 * <p>Cistern is plugged in by a class named {@value #CISTERN_FACTORY} in the integration module's test
 * sources, with a public no-argument constructor, implementing {@link TargetFactory}. Without it every
 * test against Cistern fails: it never passes by default.
 */
public final class Targets {
    public static final String CISTERN_FACTORY = "io.cistern.integration.CisternTargetFactory";
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
        Class<?> type;
        try {
            type = Class.forName(CISTERN_FACTORY);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("No Cistern target to test: write " + CISTERN_FACTORY
                    + " (implements " + TargetFactory.class.getName() + ", public no-arg constructor),"
                    + " or run against the peer with -D" + PEER_PROPERTY + "=tgt", e);
        }
        if (!TargetFactory.class.isAssignableFrom(type)) {
            throw new AssertionError(CISTERN_FACTORY + " does not implement " + TargetFactory.class.getName());
        }
        try {
            return (TargetFactory) type.getDeclaredConstructor().newInstance();
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new AssertionError("cannot instantiate " + CISTERN_FACTORY, e);
        } catch (InvocationTargetException e) {
            throw new AssertionError("constructor of " + CISTERN_FACTORY + " failed", e.getCause());
        }
    }
}
