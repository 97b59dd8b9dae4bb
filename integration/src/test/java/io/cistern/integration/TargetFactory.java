package io.cistern.integration;

/**
 * Starts targets under test. Implementations: {@link TgtPeer.Factory} (the tgt peer) and
 * {@code io.cistern.integration.CisternTargetFactory}, which starts the Cistern daemon in this JVM and
 * is found by {@link Targets#underTest()}.
 */
public interface TargetFactory {
    /** Short name used in messages and expectations: "tgt", "cistern". */
    String name();

    /** Starts a target serving {@code spec}; returns once it accepts logins. */
    TargetUnderTest start(TargetSpec spec) throws Exception;
}
