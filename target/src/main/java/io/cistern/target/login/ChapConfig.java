package io.cistern.target.login;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * CHAP required of initiators of one target (or of discovery).
 *
 * @param initiator the name and secret an initiator must prove it knows
 * @param target the name and secret we answer with when the initiator asks for mutual CHAP;
 *               empty refuses mutual CHAP
 * @param algorithms the CHAP_A algorithms we accept
 */
public record ChapConfig(ChapSecret initiator, Optional<ChapSecret> target, Set<ChapAlgorithm> algorithms) {
    public ChapConfig {
        Objects.requireNonNull(initiator, "initiator");
        Objects.requireNonNull(target, "target");
        algorithms = Set.copyOf(algorithms);
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("no CHAP algorithm allowed");
        }
        // RFC 7143 §12.1.3: a secret used to authenticate initiators MUST NOT authenticate targets.
        if (target.isPresent() && target.get().secret().equals(initiator.secret())) {
            throw new IllegalArgumentException("mutual CHAP secret equals the initiator secret");
        }
    }

    /** One-way CHAP allowing every algorithm. */
    public static ChapConfig oneWay(String name, String secret) {
        return new ChapConfig(new ChapSecret(name, secret), Optional.empty(), EnumSet.allOf(ChapAlgorithm.class));
    }

    /** Mutual CHAP allowing every algorithm. */
    public static ChapConfig mutual(ChapSecret initiator, ChapSecret target) {
        return new ChapConfig(initiator, Optional.of(target), EnumSet.allOf(ChapAlgorithm.class));
    }
}
