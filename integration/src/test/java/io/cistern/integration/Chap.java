package io.cistern.integration;

import java.util.Objects;

/**
 * CHAP credentials a target demands. {@code user}/{@code secret} authenticate the initiator; when
 * {@code mutualUser}/{@code mutualSecret} are set the target must also prove itself (mutual CHAP).
 */
public record Chap(String user, String secret, String mutualUser, String mutualSecret) {
    public Chap {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(secret, "secret");
        if ((mutualUser == null) != (mutualSecret == null)) {
            throw new IllegalArgumentException("mutual user and secret go together");
        }
    }

    public static Chap oneWay(String user, String secret) {
        return new Chap(user, secret, null, null);
    }

    public static Chap mutual(String user, String secret, String mutualUser, String mutualSecret) {
        return new Chap(user, secret, mutualUser, mutualSecret);
    }

    public boolean isMutual() {
        return mutualUser != null;
    }
}
