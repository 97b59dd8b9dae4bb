package io.cistern.target.login;

import java.util.Objects;

/** One {@code key=value} pair of iSCSI text (RFC 7143 §6.1). */
public record KeyValue(String key, String value) {
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}
