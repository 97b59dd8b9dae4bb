package io.cistern.target.login;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A CHAP name and its secret. {@link #toString()} never shows the secret. */
public record ChapSecret(String name, String secret) {
    public ChapSecret {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("empty CHAP secret");
        }
    }

    byte[] secretBytes() {
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ChapSecret[name=" + name + ", secret=***]";
    }
}
