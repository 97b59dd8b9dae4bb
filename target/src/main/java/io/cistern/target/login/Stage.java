package io.cistern.target.login;

import java.util.Optional;

/** The CSG/NSG values of RFC 7143 §11.12.3; 2 is reserved. */
public enum Stage {
    SECURITY_NEGOTIATION(0),
    LOGIN_OPERATIONAL_NEGOTIATION(1),
    FULL_FEATURE_PHASE(3);

    private final int code;

    Stage(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The stage for a 2-bit CSG/NSG field, empty for the reserved value. */
    public static Optional<Stage> of(int code) {
        for (Stage s : values()) {
            if (s.code == code) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
