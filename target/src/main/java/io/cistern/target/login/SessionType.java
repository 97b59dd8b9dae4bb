package io.cistern.target.login;

/** The SessionType key (RFC 7143 §13.21). */
public enum SessionType {
    DISCOVERY("Discovery"),
    NORMAL("Normal");

    private final String value;

    SessionType(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }
}
